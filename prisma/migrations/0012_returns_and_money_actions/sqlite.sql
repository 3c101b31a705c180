-- CreateTable
CREATE TABLE "ReturnPhoto" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "data" BLOB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ReturnEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "returnId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "detail" TEXT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "MoneyAction" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "returnId" TEXT,
    "kind" TEXT NOT NULL,
    "subjectKey" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "method" TEXT,
    "amount" TEXT,
    "currency" TEXT,
    "request" TEXT NOT NULL,
    "actor" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" DATETIME,
    "shopifyId" TEXT,
    "userErrors" TEXT,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "ReturnPolicy" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "windowDays" INTEGER NOT NULL DEFAULT 30,
    "finalSaleTags" TEXT NOT NULL DEFAULT '["final-sale"]',
    "finalSaleProductIds" TEXT NOT NULL DEFAULT '[]',
    "photoReasons" TEXT NOT NULL DEFAULT '["damaged"]',
    "noteReasons" TEXT NOT NULL DEFAULT '["other"]',
    "autoApprove" BOOLEAN NOT NULL DEFAULT false,
    "autoApproveUpTo" TEXT,
    "autoApproveExchanges" BOOLEAN NOT NULL DEFAULT false,
    "restockingFeePercent" INTEGER NOT NULL DEFAULT 0,
    "returnShippingFee" TEXT NOT NULL DEFAULT '0',
    "offerRefund" BOOLEAN NOT NULL DEFAULT true,
    "offerExchanges" BOOLEAN NOT NULL DEFAULT true,
    "offerStoreCredit" BOOLEAN NOT NULL DEFAULT true,
    "storeCreditBonusPercent" INTEGER NOT NULL DEFAULT 0,
    "keepItemUpTo" TEXT,
    "allowCancel" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Product" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "handle" TEXT,
    "status" TEXT,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "imageUrl" TEXT,
    "shopifyUpdatedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "id")
);
INSERT INTO "new_Product" ("handle", "id", "shop", "shopifyUpdatedAt", "status", "title", "updatedAt") SELECT "handle", "id", "shop", "shopifyUpdatedAt", "status", "title", "updatedAt" FROM "Product";
DROP TABLE "Product";
ALTER TABLE "new_Product" RENAME TO "Product";
CREATE TABLE "new_Return" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "orderId" TEXT,
    "name" TEXT,
    "status" TEXT NOT NULL,
    "lineItems" TEXT NOT NULL DEFAULT '[]',
    "declineReason" TEXT,
    "declineNote" TEXT,
    "requestedAt" DATETIME,
    "closedAt" DATETIME,
    "reverseDeliveries" TEXT NOT NULL DEFAULT '[]',
    "shopifyUpdatedAt" DATETIME,
    "source" TEXT,
    "verdict" TEXT,
    "resolution" TEXT,
    "requestedLines" TEXT,
    "customerNote" TEXT,
    "photoId" INTEGER,
    "locale" TEXT,
    "replacedBy" TEXT,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "id")
);
INSERT INTO "new_Return" ("declineReason", "id", "lineItems", "name", "orderId", "shop", "shopifyUpdatedAt", "status", "updatedAt") SELECT "declineReason", "id", "lineItems", "name", "orderId", "shop", "shopifyUpdatedAt", "status", "updatedAt" FROM "Return";
DROP TABLE "Return";
ALTER TABLE "new_Return" RENAME TO "Return";
CREATE INDEX "Return_shop_orderId_idx" ON "Return"("shop", "orderId");
CREATE INDEX "Return_shop_status_requestedAt_idx" ON "Return"("shop", "status", "requestedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ReturnPhoto_shop_orderId_idx" ON "ReturnPhoto"("shop", "orderId");

-- CreateIndex
CREATE INDEX "ReturnEvent_shop_returnId_at_idx" ON "ReturnEvent"("shop", "returnId", "at");

-- CreateIndex
CREATE INDEX "ReturnEvent_shop_orderId_at_idx" ON "ReturnEvent"("shop", "orderId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "MoneyAction_idempotencyKey_key" ON "MoneyAction"("idempotencyKey");

-- CreateIndex
CREATE INDEX "MoneyAction_shop_orderId_idx" ON "MoneyAction"("shop", "orderId");

-- CreateIndex
CREATE INDEX "MoneyAction_state_leaseUntil_idx" ON "MoneyAction"("state", "leaseUntil");

-- CreateIndex
CREATE UNIQUE INDEX "MoneyAction_shop_subjectKey_key" ON "MoneyAction"("shop", "subjectKey");

