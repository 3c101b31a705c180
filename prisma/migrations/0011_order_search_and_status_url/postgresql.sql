-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "searchText" TEXT,
ADD COLUMN     "statusUrl" TEXT;

