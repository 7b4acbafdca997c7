-- Analytics reports, keyed by the job that computed them (a re-run replaces its report).

-- CreateTable
CREATE TABLE "AnalyticsReport" (
    "id" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "startDate" DATE NOT NULL,
    "endDate" DATE NOT NULL,
    "params" JSONB NOT NULL,
    "body" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AnalyticsReport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AnalyticsReport_jobId_key" ON "AnalyticsReport"("jobId");

-- CreateIndex
CREATE INDEX "AnalyticsReport_organizationId_createdAt_idx" ON "AnalyticsReport"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "AnalyticsReport_organizationId_type_createdAt_idx" ON "AnalyticsReport"("organizationId", "type", "createdAt");

-- AddForeignKey
ALTER TABLE "AnalyticsReport" ADD CONSTRAINT "AnalyticsReport_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
