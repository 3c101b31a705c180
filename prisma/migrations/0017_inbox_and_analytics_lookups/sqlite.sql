-- CreateIndex
CREATE INDEX "Order_shop_email_idx" ON "Order"("shop", "email");

-- CreateIndex
CREATE INDEX "Order_shop_phone_idx" ON "Order"("shop", "phone");

-- CreateIndex
CREATE INDEX "Return_shop_updatedAt_idx" ON "Return"("shop", "updatedAt");

-- CreateIndex
CREATE INDEX "Conversation_shop_updatedAt_idx" ON "Conversation"("shop", "updatedAt");

