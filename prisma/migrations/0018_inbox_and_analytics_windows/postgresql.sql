-- CreateIndex
CREATE INDEX "Notice_shop_sentAt_idx" ON "Notice"("shop", "sentAt");

-- CreateIndex
CREATE INDEX "Notice_shop_providerMessageId_idx" ON "Notice"("shop", "providerMessageId");

-- CreateIndex
CREATE INDEX "DelayCase_shop_openedAt_idx" ON "DelayCase"("shop", "openedAt");

-- CreateIndex
CREATE INDEX "Conversation_shop_status_unread_idx" ON "Conversation"("shop", "status", "unread");

-- CreateIndex
CREATE INDEX "Conversation_shop_status_lastMessageAt_idx" ON "Conversation"("shop", "status", "lastMessageAt");

-- CreateIndex
CREATE INDEX "Conversation_shop_etsyUrl_idx" ON "Conversation"("shop", "etsyUrl");

-- CreateIndex
CREATE INDEX "Message_shop_createdAt_idx" ON "Message"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "SatisfactionSurvey_shop_sentAt_idx" ON "SatisfactionSurvey"("shop", "sentAt");

