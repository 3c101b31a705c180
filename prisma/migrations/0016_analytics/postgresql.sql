-- AlterTable
ALTER TABLE "ShopSettings" ADD COLUMN     "businessEnd" TEXT NOT NULL DEFAULT '18:00',
ADD COLUMN     "businessStart" TEXT NOT NULL DEFAULT '09:00',
ADD COLUMN     "holdoutOn" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "holdoutPercent" INTEGER NOT NULL DEFAULT 10;

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

    CONSTRAINT "AnalyticsDaily_pkey" PRIMARY KEY ("shop","day","metric","dimension","currency")
);

-- CreateTable
CREATE TABLE "AnalyticsDuration" (
    "shop" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "bucket" INTEGER NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AnalyticsDuration_pkey" PRIMARY KEY ("shop","day","metric","bucket")
);

-- CreateTable
CREATE TABLE "AnalyticsHourly" (
    "shop" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "hour" INTEGER NOT NULL,
    "weekday" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AnalyticsHourly_pkey" PRIMARY KEY ("shop","day","hour","kind")
);

-- CreateTable
CREATE TABLE "DelayHoldout" (
    "shop" TEXT NOT NULL,
    "caseId" INTEGER NOT NULL,
    "heldOutAt" TIMESTAMP(3) NOT NULL,
    "until" TIMESTAMP(3) NOT NULL,
    "releasedAt" TIMESTAMP(3),

    CONSTRAINT "DelayHoldout_pkey" PRIMARY KEY ("shop","caseId")
);

-- CreateTable
CREATE TABLE "SelfHelpAnswer" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "reads" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SelfHelpAnswer_pkey" PRIMARY KEY ("id")
);

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

