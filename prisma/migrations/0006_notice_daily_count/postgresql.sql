-- CreateTable
CREATE TABLE "NoticeDailyCount" (
    "shop" TEXT NOT NULL,
    "who" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "NoticeDailyCount_pkey" PRIMARY KEY ("shop","who","day")
);

