-- Notifications and timeline events are pruned by age (lib/retention/prune-history.ts).

-- CreateIndex
CREATE INDEX "JobRunEvent_at_idx" ON "JobRunEvent"("at");

-- CreateIndex
CREATE INDEX "Notification_createdAt_idx" ON "Notification"("createdAt");
