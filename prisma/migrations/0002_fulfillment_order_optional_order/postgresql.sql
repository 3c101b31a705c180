-- AlterTable
ALTER TABLE "FulfillmentOrder" ALTER COLUMN "orderId" DROP NOT NULL;

