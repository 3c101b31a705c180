-- CreateIndex
CREATE INDEX "Order_shop_name_idx" ON "Order"("shop", "name");

