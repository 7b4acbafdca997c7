-- AlterTable
ALTER TABLE "JobRun" ADD COLUMN     "failureFingerprint" TEXT,
ADD COLUMN     "removedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "JobRunEvent" (
    "id" BIGSERIAL NOT NULL,
    "runId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "attempt" INTEGER,
    "progress" INTEGER,
    "message" TEXT,
    "actorId" TEXT,

    CONSTRAINT "JobRunEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "JobRunEvent_runId_id_idx" ON "JobRunEvent"("runId", "id");

-- CreateIndex
CREATE INDEX "JobRun_state_failureFingerprint_idx" ON "JobRun"("state", "failureFingerprint");

-- CreateIndex
CREATE INDEX "JobRun_createdAt_idx" ON "JobRun"("createdAt");

-- CreateIndex
CREATE INDEX "JobRun_name_createdAt_idx" ON "JobRun"("name", "createdAt");
