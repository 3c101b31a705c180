-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN "reactedAt" DATETIME;
ALTER TABLE "WebhookEvent" ADD COLUMN "reaction" TEXT;
ALTER TABLE "WebhookEvent" ADD COLUMN "reactionError" TEXT;

-- This database's identity on Redis (app/jobs/instance.server.ts): one row, made
-- on first use. Not a Prisma model: it belongs to no shop, like _kizuna_migrations.
CREATE TABLE "_kizuna_instance" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "WebhookEvent_reaction_processedAt_idx" ON "WebhookEvent"("reaction", "processedAt");

