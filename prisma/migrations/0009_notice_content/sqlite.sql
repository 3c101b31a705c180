-- AlterTable
ALTER TABLE "Notice" ADD COLUMN "contentId" INTEGER;

-- CreateTable
CREATE TABLE "NoticeContent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "subject" TEXT,
    "bodyText" TEXT,
    "bodyHtml" TEXT,
    "variables" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "NoticeContent_shop_idx" ON "NoticeContent"("shop");

