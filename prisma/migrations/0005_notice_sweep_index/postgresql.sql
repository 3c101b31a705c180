-- CreateIndex
CREATE INDEX "Notice_status_updatedAt_idx" ON "Notice"("status", "updatedAt");

