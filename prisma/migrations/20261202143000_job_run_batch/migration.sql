-- AlterTable
ALTER TABLE "JobRun" ADD COLUMN "batchId" TEXT;

-- CreateIndex
CREATE INDEX "JobRun_batchId_state_id_idx" ON "JobRun"("batchId", "state", "id");
