-- CreateTable
CREATE TABLE "Contact" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "name" TEXT,
    "locale" TEXT,
    "mergedInto" INTEGER,
    "redactedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ContactIdentity" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "contactId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Conversation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "snoozedUntil" DATETIME,
    "waitingSince" DATETIME,
    "firstMessageAt" DATETIME,
    "firstResponseAt" DATETIME,
    "resolvedAt" DATETIME,
    "lastMessageAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "exchanges" INTEGER NOT NULL DEFAULT 0,
    "flaggedAt" DATETIME,
    "unread" INTEGER NOT NULL DEFAULT 0,
    "searchText" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Message" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
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
    "sentAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "MessageOriginal" (
    "messageId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "data" BLOB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "MessageAttachment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "messageId" INTEGER NOT NULL,
    "filename" TEXT,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "data" BLOB,
    "refused" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "SavedReply" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "InboxSettings" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "inboundKey" TEXT NOT NULL,
    "tonePhrases" TEXT,
    "followUpDays" INTEGER NOT NULL DEFAULT 3,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SatisfactionSurvey" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "conversationId" INTEGER NOT NULL,
    "contactId" INTEGER NOT NULL,
    "token" TEXT NOT NULL,
    "rating" INTEGER,
    "comment" TEXT,
    "sentAt" DATETIME,
    "answeredAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "EtsyLink" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "etsyShopId" TEXT NOT NULL,
    "etsyShopName" TEXT,
    "etsyUserId" TEXT,
    "accessToken" TEXT NOT NULL,
    "refreshToken" TEXT NOT NULL,
    "accessExpiresAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'connected',
    "lastError" TEXT,
    "pollCursor" INTEGER NOT NULL DEFAULT 0,
    "lastPolledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "EtsyAuthStart" (
    "state" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "codeVerifier" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "StaffLogin" (
    "tokenHash" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Order" (
    "shop" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "customerId" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "locale" TEXT,
    "currency" TEXT NOT NULL,
    "totalPrice" TEXT NOT NULL,
    "financialStatus" TEXT,
    "fulfillmentStatus" TEXT,
    "cancelledAt" DATETIME,
    "cancelReason" TEXT,
    "closedAt" DATETIME,
    "shippingAddress" TEXT,
    "statusUrl" TEXT,
    "searchText" TEXT,
    "source" TEXT NOT NULL DEFAULT 'shopify',
    "buyerNote" TEXT,
    "shopifyCreatedAt" DATETIME NOT NULL,
    "shopifyUpdatedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "id")
);
INSERT INTO "new_Order" ("cancelReason", "cancelledAt", "closedAt", "currency", "customerId", "email", "financialStatus", "fulfillmentStatus", "id", "locale", "name", "phone", "searchText", "shippingAddress", "shop", "shopifyCreatedAt", "shopifyUpdatedAt", "statusUrl", "totalPrice", "updatedAt") SELECT "cancelReason", "cancelledAt", "closedAt", "currency", "customerId", "email", "financialStatus", "fulfillmentStatus", "id", "locale", "name", "phone", "searchText", "shippingAddress", "shop", "shopifyCreatedAt", "shopifyUpdatedAt", "statusUrl", "totalPrice", "updatedAt" FROM "Order";
DROP TABLE "Order";
ALTER TABLE "new_Order" RENAME TO "Order";
CREATE INDEX "Order_shop_customerId_idx" ON "Order"("shop", "customerId");
CREATE INDEX "Order_shop_shopifyCreatedAt_idx" ON "Order"("shop", "shopifyCreatedAt");
CREATE INDEX "Order_shop_name_idx" ON "Order"("shop", "name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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

