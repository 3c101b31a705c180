-- DropIndex
DROP INDEX "FulfillmentEvent_shop_fulfillmentId_idx";

-- CreateIndex
CREATE INDEX "FulfillmentEvent_shop_fulfillmentId_happenedAt_id_idx" ON "FulfillmentEvent"("shop", "fulfillmentId", "happenedAt", "id");

