-- AlterTable
ALTER TABLE "Notice" ADD COLUMN     "contentId" INTEGER;

-- CreateTable
CREATE TABLE "NoticeContent" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "subject" TEXT,
    "bodyText" TEXT,
    "bodyHtml" TEXT,
    "variables" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NoticeContent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "NoticeContent_shop_idx" ON "NoticeContent"("shop");

