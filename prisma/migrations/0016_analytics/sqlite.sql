-- CreateTable
CREATE TABLE "AnalyticsDaily" (
    "shop" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "dimension" TEXT NOT NULL DEFAULT '',
    "currency" TEXT NOT NULL DEFAULT '',
    "count" INTEGER NOT NULL DEFAULT 0,
    "sum" INTEGER NOT NULL DEFAULT 0,
    "amount" TEXT NOT NULL DEFAULT '0',

    PRIMARY KEY ("shop", "day", "metric", "dimension", "currency")
);

-- CreateTable
CREATE TABLE "AnalyticsDuration" (
    "shop" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "bucket" INTEGER NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("shop", "day", "metric", "bucket")
);

-- CreateTable
CREATE TABLE "AnalyticsHourly" (
    "shop" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "hour" INTEGER NOT NULL,
    "weekday" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("shop", "day", "hour", "kind")
);

-- CreateTable
CREATE TABLE "DelayHoldout" (
    "shop" TEXT NOT NULL,
    "caseId" INTEGER NOT NULL,
    "heldOutAt" DATETIME NOT NULL,
    "until" DATETIME NOT NULL,
    "releasedAt" DATETIME,

    PRIMARY KEY ("shop", "caseId")
);

-- CreateTable
CREATE TABLE "SelfHelpAnswer" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "reads" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ShopSettings" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "senderName" TEXT,
    "senderEmail" TEXT,
    "handlingDays" INTEGER NOT NULL DEFAULT 2,
    "holidayPreset" TEXT,
    "holidays" TEXT NOT NULL DEFAULT '[]',
    "weekendDays" TEXT NOT NULL DEFAULT '[0,6]',
    "quietStart" TEXT NOT NULL DEFAULT '21:00',
    "quietEnd" TEXT NOT NULL DEFAULT '08:00',
    "dailyCap" INTEGER NOT NULL DEFAULT 2,
    "delayRules" TEXT NOT NULL DEFAULT '{}',
    "noticeKinds" TEXT NOT NULL DEFAULT '{}',
    "restockPerUnit" INTEGER NOT NULL DEFAULT 3,
    "followUpDays" INTEGER NOT NULL DEFAULT 7,
    "businessStart" TEXT NOT NULL DEFAULT '09:00',
    "businessEnd" TEXT NOT NULL DEFAULT '18:00',
    "holdoutOn" BOOLEAN NOT NULL DEFAULT false,
    "holdoutPercent" INTEGER NOT NULL DEFAULT 10,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_ShopSettings" ("dailyCap", "delayRules", "followUpDays", "handlingDays", "holidayPreset", "holidays", "noticeKinds", "quietEnd", "quietStart", "restockPerUnit", "senderEmail", "senderName", "shop", "updatedAt", "weekendDays") SELECT "dailyCap", "delayRules", "followUpDays", "handlingDays", "holidayPreset", "holidays", "noticeKinds", "quietEnd", "quietStart", "restockPerUnit", "senderEmail", "senderName", "shop", "updatedAt", "weekendDays" FROM "ShopSettings";
DROP TABLE "ShopSettings";
ALTER TABLE "new_ShopSettings" RENAME TO "ShopSettings";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "AnalyticsDaily_shop_metric_day_idx" ON "AnalyticsDaily"("shop", "metric", "day");

-- CreateIndex
CREATE INDEX "AnalyticsDuration_shop_metric_day_idx" ON "AnalyticsDuration"("shop", "metric", "day");

-- CreateIndex
CREATE INDEX "AnalyticsHourly_shop_kind_day_idx" ON "AnalyticsHourly"("shop", "kind", "day");

-- CreateIndex
CREATE INDEX "DelayHoldout_releasedAt_until_idx" ON "DelayHoldout"("releasedAt", "until");

-- CreateIndex
CREATE UNIQUE INDEX "SelfHelpAnswer_shop_topic_locale_key" ON "SelfHelpAnswer"("shop", "topic", "locale");

