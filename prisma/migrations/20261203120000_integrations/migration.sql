-- Integrations (lib/integrations): connected systems with sealed credentials, each data type's pull
-- cursor, and the order lines a sync added to SalesDaily (so a line seen again moves the total by its change only).

-- CreateEnum
CREATE TYPE "IntegrationKind" AS ENUM ('SHOPIFY');

-- CreateEnum
CREATE TYPE "IntegrationStatus" AS ENUM ('ACTIVE', 'NEEDS_ATTENTION', 'DISABLED');

-- CreateTable
CREATE TABLE "Integration" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "kind" "IntegrationKind" NOT NULL,
    "name" TEXT NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "credentials" TEXT,
    "webhookSecret" TEXT NOT NULL,
    "status" "IntegrationStatus" NOT NULL DEFAULT 'ACTIVE',
    "settings" JSONB NOT NULL DEFAULT '{}',
    "scheduleId" TEXT,
    "lastSyncAt" TIMESTAMP(3),
    "lastSuccessAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Integration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IntegrationCursor" (
    "integrationId" TEXT NOT NULL,
    "dataType" TEXT NOT NULL,
    "watermark" TIMESTAMP(3),
    "pageCursor" TEXT,
    "pullSince" TIMESTAMP(3),
    "pullHighWater" TIMESTAMP(3),
    "pullDay" DATE,
    "pages" INTEGER NOT NULL DEFAULT 0,
    "records" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IntegrationCursor_pkey" PRIMARY KEY ("integrationId","dataType")
);

-- CreateTable
CREATE TABLE "IntegrationOrderLine" (
    "integrationId" TEXT NOT NULL,
    "externalLineId" TEXT NOT NULL,
    "externalOrderId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "quantity" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IntegrationOrderLine_pkey" PRIMARY KEY ("integrationId","externalLineId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Integration_scheduleId_key" ON "Integration"("scheduleId");

-- CreateIndex
CREATE INDEX "Integration_organizationId_createdAt_idx" ON "Integration"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "IntegrationOrderLine_productId_date_idx" ON "IntegrationOrderLine"("productId", "date");

-- AddForeignKey
ALTER TABLE "Integration" ADD CONSTRAINT "Integration_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntegrationCursor" ADD CONSTRAINT "IntegrationCursor_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntegrationOrderLine" ADD CONSTRAINT "IntegrationOrderLine_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntegrationOrderLine" ADD CONSTRAINT "IntegrationOrderLine_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;


