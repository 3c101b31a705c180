-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "syncError" TEXT,
ADD COLUMN     "syncStartedAt" TIMESTAMP(3),
ADD COLUMN     "syncStatus" TEXT NOT NULL DEFAULT 'idle',
ADD COLUMN     "syncSummary" TEXT,
ADD COLUMN     "syncedAt" TIMESTAMP(3);

