-- Scheduled runs: each row is the system of record for one BullMQ job scheduler on the maintenance
-- queue (lib/schedules); the worker reconciles Redis with this table at start.

-- CreateTable
CREATE TABLE "Schedule" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "jobName" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "batchScope" JSONB,
    "cron" TEXT,
    "everyMs" INTEGER,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "lastRunJobId" TEXT,
    "lastRunAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Schedule_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Schedule_one_timing" CHECK (("cron" IS NULL) <> ("everyMs" IS NULL))
);

-- CreateIndex
CREATE INDEX "Schedule_organizationId_createdAt_idx" ON "Schedule"("organizationId", "createdAt");

-- AddForeignKey
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
