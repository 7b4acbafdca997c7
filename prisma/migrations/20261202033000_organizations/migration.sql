-- Organisations (tenants). Rows that exist before this migration belong to one organisation
-- created here, so an installation upgrades in place; new rows name theirs explicitly.

-- CreateTable
CREATE TABLE "Organization" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organization_slug_key" ON "Organization"("slug");

INSERT INTO "Organization" ("id", "slug", "name")
SELECT 'org-default', 'default', 'Default organisation'
WHERE EXISTS (SELECT 1 FROM "User") OR EXISTS (SELECT 1 FROM "Product");

-- AlterTable: users and products of an existing installation join the default organisation
ALTER TABLE "User" ADD COLUMN "organizationId" TEXT;
UPDATE "User" SET "organizationId" = 'org-default';
ALTER TABLE "User" ALTER COLUMN "organizationId" SET NOT NULL;

ALTER TABLE "Product" ADD COLUMN "organizationId" TEXT;
UPDATE "Product" SET "organizationId" = 'org-default';
ALTER TABLE "Product" ALTER COLUMN "organizationId" SET NOT NULL;

-- AlterTable: sales and forecasts follow their product, runs and notifications their user
ALTER TABLE "SalesDaily" ADD COLUMN "organizationId" TEXT;
UPDATE "SalesDaily" s SET "organizationId" = p."organizationId" FROM "Product" p WHERE p."id" = s."productId";
ALTER TABLE "SalesDaily" ALTER COLUMN "organizationId" SET NOT NULL;

ALTER TABLE "Forecast" ADD COLUMN "organizationId" TEXT;
UPDATE "Forecast" f SET "organizationId" = p."organizationId" FROM "Product" p WHERE p."id" = f."productId";
ALTER TABLE "Forecast" ALTER COLUMN "organizationId" SET NOT NULL;

ALTER TABLE "JobRun" ADD COLUMN "organizationId" TEXT;
UPDATE "JobRun" r SET "organizationId" = u."organizationId" FROM "User" u WHERE u."id" = r."ownerId";

ALTER TABLE "Notification" ADD COLUMN "organizationId" TEXT;
UPDATE "Notification" n SET "organizationId" = u."organizationId" FROM "User" u WHERE u."id" = n."userId";

-- DropIndex: SKUs are unique per organisation now
DROP INDEX "Product_category_idx";
DROP INDEX "Product_name_idx";
DROP INDEX "Product_sku_key";

-- CreateIndex
CREATE INDEX "Forecast_organizationId_createdAt_idx" ON "Forecast"("organizationId", "createdAt");
CREATE INDEX "JobRun_organizationId_createdAt_idx" ON "JobRun"("organizationId", "createdAt");
CREATE INDEX "Product_organizationId_category_idx" ON "Product"("organizationId", "category");
CREATE INDEX "Product_organizationId_name_idx" ON "Product"("organizationId", "name");
CREATE UNIQUE INDEX "Product_organizationId_sku_key" ON "Product"("organizationId", "sku");
CREATE INDEX "SalesDaily_organizationId_date_idx" ON "SalesDaily"("organizationId", "date");
CREATE INDEX "User_organizationId_idx" ON "User"("organizationId");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Product" ADD CONSTRAINT "Product_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "SalesDaily" ADD CONSTRAINT "SalesDaily_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Forecast" ADD CONSTRAINT "Forecast_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "JobRun" ADD CONSTRAINT "JobRun_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
