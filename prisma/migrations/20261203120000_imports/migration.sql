-- CreateTable
CREATE TABLE "ImportMapping" (
    "organizationId" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "mapping" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ImportMapping_pkey" PRIMARY KEY ("organizationId","entityType")
);

-- CreateTable
CREATE TABLE "ImportReport" (
    "jobId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "ownerId" TEXT,
    "entityType" TEXT NOT NULL,
    "uploadId" TEXT,
    "fileName" TEXT,
    "sheet" TEXT,
    "mode" TEXT NOT NULL,
    "dryRun" BOOLEAN NOT NULL,
    "success" BOOLEAN NOT NULL,
    "total" INTEGER NOT NULL,
    "valid" INTEGER NOT NULL,
    "invalid" INTEGER NOT NULL,
    "imported" INTEGER NOT NULL,
    "created" INTEGER NOT NULL,
    "updated" INTEGER NOT NULL,
    "unchanged" INTEGER NOT NULL,
    "errorCount" INTEGER NOT NULL,
    "errors" JSONB NOT NULL,
    "errorsPath" TEXT,
    "mapping" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ImportReport_pkey" PRIMARY KEY ("jobId")
);

-- CreateIndex
CREATE INDEX "ImportReport_organizationId_createdAt_idx" ON "ImportReport"("organizationId", "createdAt");

-- AddForeignKey
ALTER TABLE "ImportMapping" ADD CONSTRAINT "ImportMapping_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ImportReport" ADD CONSTRAINT "ImportReport_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
