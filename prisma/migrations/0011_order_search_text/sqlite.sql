-- AlterTable
ALTER TABLE "Order" ADD COLUMN "searchText" TEXT;

