-- CreateTable
CREATE TABLE "ShopSettings" (
    "shop" TEXT NOT NULL,
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
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopSettings_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "NoticeTemplate" (
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "subject" TEXT,
    "body" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NoticeTemplate_pkey" PRIMARY KEY ("shop","kind","locale","channel")
);

-- CreateTable
CREATE TABLE "Notice" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "customerId" TEXT,
    "orderId" TEXT,
    "channel" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "recipient" TEXT,
    "recipientName" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "statusReason" TEXT,
    "subject" TEXT,
    "bodyText" TEXT,
    "bodyHtml" TEXT,
    "variables" TEXT NOT NULL DEFAULT '{}',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "sendAfter" TIMESTAMP(3),
    "sentAt" TIMESTAMP(3),
    "providerMessageId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Notice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NoticeEvent" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "noticeId" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NoticeEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Suppression" (
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Suppression_pkey" PRIMARY KEY ("shop","channel","address")
);

-- CreateTable
CREATE TABLE "DelayCase" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "openedAt" TIMESTAMP(3) NOT NULL,
    "resolvedAt" TIMESTAMP(3),
    "snoozedUntil" TIMESTAMP(3),
    "notifiedAt" TIMESTAMP(3),
    "noticeId" INTEGER,
    "details" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DelayCase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TransitSample" (
    "shop" TEXT NOT NULL,
    "fulfillmentId" TEXT NOT NULL,
    "carrier" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "minutes" INTEGER NOT NULL,
    "deliveredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TransitSample_pkey" PRIMARY KEY ("shop","fulfillmentId")
);

-- CreateTable
CREATE TABLE "RestockSubscription" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "productId" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "smsConsent" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT NOT NULL,
    "customerId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "unsubscribedAt" TIMESTAMP(3),

    CONSTRAINT "RestockSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RestockEpisode" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "availableAtStart" INTEGER NOT NULL,
    "notified" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "RestockEpisode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RestockAlert" (
    "shop" TEXT NOT NULL,
    "episodeId" INTEGER NOT NULL,
    "subscriptionId" INTEGER NOT NULL,
    "variantId" TEXT NOT NULL,
    "noticeId" INTEGER,
    "sentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "orderId" TEXT,
    "revenue" TEXT,

    CONSTRAINT "RestockAlert_pkey" PRIMARY KEY ("episodeId","subscriptionId")
);

-- CreateIndex
CREATE INDEX "Notice_shop_status_idx" ON "Notice"("shop", "status");

-- CreateIndex
CREATE INDEX "Notice_shop_customerId_sentAt_idx" ON "Notice"("shop", "customerId", "sentAt");

-- CreateIndex
CREATE INDEX "Notice_shop_orderId_idx" ON "Notice"("shop", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "Notice_shop_dedupeKey_key" ON "Notice"("shop", "dedupeKey");

-- CreateIndex
CREATE INDEX "NoticeEvent_shop_noticeId_idx" ON "NoticeEvent"("shop", "noticeId");

-- CreateIndex
CREATE INDEX "DelayCase_shop_status_idx" ON "DelayCase"("shop", "status");

-- CreateIndex
CREATE UNIQUE INDEX "DelayCase_shop_orderId_subject_rule_key" ON "DelayCase"("shop", "orderId", "subject", "rule");

-- CreateIndex
CREATE INDEX "TransitSample_shop_carrier_region_idx" ON "TransitSample"("shop", "carrier", "region");

-- CreateIndex
CREATE INDEX "RestockSubscription_shop_variantId_createdAt_idx" ON "RestockSubscription"("shop", "variantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "RestockSubscription_shop_variantId_email_key" ON "RestockSubscription"("shop", "variantId", "email");

-- CreateIndex
CREATE INDEX "RestockEpisode_shop_variantId_status_idx" ON "RestockEpisode"("shop", "variantId", "status");

-- CreateIndex
CREATE INDEX "RestockAlert_shop_variantId_idx" ON "RestockAlert"("shop", "variantId");

-- CreateIndex
CREATE INDEX "RestockAlert_shop_subscriptionId_idx" ON "RestockAlert"("shop", "subscriptionId");

