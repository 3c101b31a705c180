-- CreateIndex
CREATE INDEX "Notice_shop_recipient_sentAt_idx" ON "Notice"("shop", "recipient", "sentAt");

-- CreateIndex
CREATE INDEX "RestockSubscription_shop_email_idx" ON "RestockSubscription"("shop", "email");

