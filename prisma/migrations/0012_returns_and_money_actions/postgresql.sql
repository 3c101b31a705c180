-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "imageUrl" TEXT,
ADD COLUMN     "tags" TEXT NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "Return" ADD COLUMN     "closedAt" TIMESTAMP(3),
ADD COLUMN     "customerNote" TEXT,
ADD COLUMN     "declineNote" TEXT,
ADD COLUMN     "locale" TEXT,
ADD COLUMN     "photoId" INTEGER,
ADD COLUMN     "replacedBy" TEXT,
ADD COLUMN     "requestedAt" TIMESTAMP(3),
ADD COLUMN     "requestedLines" TEXT,
ADD COLUMN     "resolution" TEXT,
ADD COLUMN     "reverseDeliveries" TEXT NOT NULL DEFAULT '[]',
ADD COLUMN     "source" TEXT,
ADD COLUMN     "verdict" TEXT;

-- CreateTable
CREATE TABLE "ReturnPhoto" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReturnPhoto_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReturnEvent" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "returnId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "detail" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReturnEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MoneyAction" (
    "id" SERIAL NOT NULL,
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
    "leaseUntil" TIMESTAMP(3),
    "shopifyId" TEXT,
    "userErrors" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "MoneyAction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReturnPolicy" (
    "shop" TEXT NOT NULL,
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
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReturnPolicy_pkey" PRIMARY KEY ("shop")
);

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

-- CreateIndex
CREATE INDEX "Return_shop_status_requestedAt_idx" ON "Return"("shop", "status", "requestedAt");

