-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "buyerNote" TEXT,
ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'shopify';

-- CreateTable
CREATE TABLE "Contact" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT,
    "locale" TEXT,
    "mergedInto" INTEGER,
    "redactedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContactIdentity" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "contactId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContactIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Conversation" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "contactId" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "subject" TEXT,
    "orderId" TEXT,
    "assignee" TEXT,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "replyToken" TEXT NOT NULL,
    "etsyUrl" TEXT,
    "snoozedUntil" TIMESTAMP(3),
    "waitingSince" TIMESTAMP(3),
    "firstMessageAt" TIMESTAMP(3),
    "firstResponseAt" TIMESTAMP(3),
    "resolvedAt" TIMESTAMP(3),
    "lastMessageAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "exchanges" INTEGER NOT NULL DEFAULT 0,
    "flaggedAt" TIMESTAMP(3),
    "unread" INTEGER NOT NULL DEFAULT 0,
    "searchText" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Conversation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "conversationId" INTEGER NOT NULL,
    "direction" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'message',
    "channel" TEXT NOT NULL,
    "providerMessageId" TEXT,
    "inReplyTo" TEXT,
    "references" TEXT NOT NULL DEFAULT '[]',
    "fromAddress" TEXT,
    "fromName" TEXT,
    "toAddress" TEXT,
    "subject" TEXT,
    "text" TEXT NOT NULL DEFAULT '',
    "fullText" TEXT,
    "html" TEXT,
    "author" TEXT,
    "noticeId" INTEGER,
    "status" TEXT,
    "statusReason" TEXT,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MessageOriginal" (
    "messageId" INTEGER NOT NULL,
    "shop" TEXT NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MessageOriginal_pkey" PRIMARY KEY ("messageId")
);

-- CreateTable
CREATE TABLE "MessageAttachment" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "messageId" INTEGER NOT NULL,
    "filename" TEXT,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "data" BYTEA,
    "refused" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MessageAttachment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SavedReply" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SavedReply_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboxSettings" (
    "shop" TEXT NOT NULL,
    "inboundKey" TEXT NOT NULL,
    "tonePhrases" TEXT,
    "followUpDays" INTEGER NOT NULL DEFAULT 3,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InboxSettings_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "SatisfactionSurvey" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "conversationId" INTEGER NOT NULL,
    "contactId" INTEGER NOT NULL,
    "token" TEXT NOT NULL,
    "rating" INTEGER,
    "comment" TEXT,
    "sentAt" TIMESTAMP(3),
    "answeredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SatisfactionSurvey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EtsyLink" (
    "shop" TEXT NOT NULL,
    "etsyShopId" TEXT NOT NULL,
    "etsyShopName" TEXT,
    "etsyUserId" TEXT,
    "accessToken" TEXT NOT NULL,
    "refreshToken" TEXT NOT NULL,
    "accessExpiresAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'connected',
    "lastError" TEXT,
    "pollCursor" INTEGER NOT NULL DEFAULT 0,
    "lastPolledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EtsyLink_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "EtsyAuthStart" (
    "state" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "codeVerifier" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EtsyAuthStart_pkey" PRIMARY KEY ("state")
);

-- CreateTable
CREATE TABLE "StaffLogin" (
    "tokenHash" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StaffLogin_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateIndex
CREATE INDEX "Contact_shop_mergedInto_idx" ON "Contact"("shop", "mergedInto");

-- CreateIndex
CREATE INDEX "ContactIdentity_shop_contactId_idx" ON "ContactIdentity"("shop", "contactId");

-- CreateIndex
CREATE UNIQUE INDEX "ContactIdentity_shop_kind_value_key" ON "ContactIdentity"("shop", "kind", "value");

-- CreateIndex
CREATE UNIQUE INDEX "Conversation_replyToken_key" ON "Conversation"("replyToken");

-- CreateIndex
CREATE INDEX "Conversation_shop_status_waitingSince_idx" ON "Conversation"("shop", "status", "waitingSince");

-- CreateIndex
CREATE INDEX "Conversation_shop_lastMessageAt_idx" ON "Conversation"("shop", "lastMessageAt");

-- CreateIndex
CREATE INDEX "Conversation_shop_contactId_idx" ON "Conversation"("shop", "contactId");

-- CreateIndex
CREATE INDEX "Conversation_shop_orderId_idx" ON "Conversation"("shop", "orderId");

-- CreateIndex
CREATE INDEX "Message_shop_conversationId_createdAt_idx" ON "Message"("shop", "conversationId", "createdAt");

-- CreateIndex
CREATE INDEX "Message_shop_noticeId_idx" ON "Message"("shop", "noticeId");

-- CreateIndex
CREATE UNIQUE INDEX "Message_shop_channel_providerMessageId_key" ON "Message"("shop", "channel", "providerMessageId");

-- CreateIndex
CREATE INDEX "MessageOriginal_shop_idx" ON "MessageOriginal"("shop");

-- CreateIndex
CREATE INDEX "MessageAttachment_shop_messageId_idx" ON "MessageAttachment"("shop", "messageId");

-- CreateIndex
CREATE INDEX "SavedReply_shop_locale_idx" ON "SavedReply"("shop", "locale");

-- CreateIndex
CREATE UNIQUE INDEX "InboxSettings_inboundKey_key" ON "InboxSettings"("inboundKey");

-- CreateIndex
CREATE UNIQUE INDEX "SatisfactionSurvey_conversationId_key" ON "SatisfactionSurvey"("conversationId");

-- CreateIndex
CREATE UNIQUE INDEX "SatisfactionSurvey_token_key" ON "SatisfactionSurvey"("token");

-- CreateIndex
CREATE INDEX "SatisfactionSurvey_shop_answeredAt_idx" ON "SatisfactionSurvey"("shop", "answeredAt");

-- CreateIndex
CREATE UNIQUE INDEX "EtsyLink_etsyShopId_key" ON "EtsyLink"("etsyShopId");

-- CreateIndex
CREATE INDEX "StaffLogin_shop_idx" ON "StaffLogin"("shop");

