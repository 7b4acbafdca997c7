-- CreateTable
CREATE TABLE "BulkAction" (
    "id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "fingerprint" TEXT,
    "queue" TEXT,
    "jobIds" TEXT[],
    "snapshotAt" TIMESTAMP(3) NOT NULL,
    "total" INTEGER NOT NULL,
    "done" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "cursorAt" TIMESTAMP(3),
    "cursorId" TEXT,
    "pendingIds" TEXT[],
    "error" TEXT,
    "actorId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BulkAction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BulkAction_createdAt_idx" ON "BulkAction"("createdAt");

-- CreateIndex
CREATE INDEX "JobRun_state_failureFingerprint_queue_finishedAt_removedAt_idx" ON "JobRun"("state", "failureFingerprint", "queue", "finishedAt", "removedAt");

-- CreateIndex
CREATE INDEX "JobRun_failureFingerprint_finishedAt_id_idx" ON "JobRun"("failureFingerprint", "finishedAt", "id");

-- AddForeignKey
ALTER TABLE "BulkAction" ADD CONSTRAINT "BulkAction_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
