-- Audit entries about one run carry the run's organisation, so admins can filter the log by
-- organisation. Existing entries about a run ("<queue>/<job id>") take it from the ledger.

-- AlterTable
ALTER TABLE "AuditLog" ADD COLUMN "organizationId" TEXT;
UPDATE "AuditLog" a SET "organizationId" = r."organizationId" FROM "JobRun" r WHERE a."target" = r."queue" || '/' || r."id";

-- CreateIndex
CREATE INDEX "AuditLog_organizationId_createdAt_idx" ON "AuditLog"("organizationId", "createdAt");

-- AddForeignKey
ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;
