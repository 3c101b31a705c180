-- AlterTable
ALTER TABLE "Order" ADD COLUMN "searchText" TEXT;
ALTER TABLE "Order" ADD COLUMN "statusUrl" TEXT;

