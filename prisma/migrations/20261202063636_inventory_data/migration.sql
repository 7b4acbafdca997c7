-- What inventory planning needs: warehouses (central DCs and regional warehouses) and the lanes
-- between them, each product's supply terms and price, daily stock per product and warehouse,
-- purchase orders and transfers, and optimisation results keyed by job. Plain tables, so the
-- import worker can fill them.

-- CreateEnum
CREATE TYPE "WarehouseKind" AS ENUM ('CENTRAL', 'REGIONAL');

-- CreateEnum
CREATE TYPE "PurchaseOrderStatus" AS ENUM ('OPEN', 'RECEIVED', 'CANCELLED');

-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "unitPrice" DECIMAL(12,2) NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "Warehouse" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "kind" "WarehouseKind" NOT NULL DEFAULT 'REGIONAL',
    "capacity" INTEGER NOT NULL,
    "demandShare" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Warehouse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TransportLane" (
    "organizationId" TEXT NOT NULL,
    "fromWarehouseId" TEXT NOT NULL,
    "toWarehouseId" TEXT NOT NULL,
    "costPerUnit" DECIMAL(12,4) NOT NULL,
    "transitDays" INTEGER NOT NULL,

    CONSTRAINT "TransportLane_pkey" PRIMARY KEY ("fromWarehouseId","toWarehouseId")
);

-- CreateTable
CREATE TABLE "ProductSupply" (
    "productId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "supplier" TEXT NOT NULL,
    "leadTimeDays" DOUBLE PRECISION NOT NULL,
    "leadTimeStdDays" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "orderingCost" DECIMAL(12,2) NOT NULL,
    "holdingCostRate" DOUBLE PRECISION NOT NULL,
    "serviceLevel" DOUBLE PRECISION NOT NULL DEFAULT 0.95,

    CONSTRAINT "ProductSupply_pkey" PRIMARY KEY ("productId")
);

-- CreateTable
CREATE TABLE "StockSnapshot" (
    "organizationId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "warehouseId" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "onHand" INTEGER NOT NULL,
    "unfilled" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "StockSnapshot_pkey" PRIMARY KEY ("productId","warehouseId","date")
);

-- CreateTable
CREATE TABLE "PurchaseOrder" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "warehouseId" TEXT NOT NULL,
    "supplier" TEXT,
    "sourceWarehouseId" TEXT,
    "quantity" INTEGER NOT NULL,
    "orderedDate" DATE NOT NULL,
    "expectedDate" DATE NOT NULL,
    "receivedDate" DATE,
    "status" "PurchaseOrderStatus" NOT NULL DEFAULT 'OPEN',

    CONSTRAINT "PurchaseOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OptimizationResult" (
    "id" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "demandSource" TEXT NOT NULL,
    "forecastId" TEXT,
    "eoq" DOUBLE PRECISION NOT NULL,
    "safetyStock" DOUBLE PRECISION NOT NULL,
    "reorderPoint" DOUBLE PRECISION NOT NULL,
    "inputs" JSONB NOT NULL,
    "warehouses" JSONB NOT NULL,
    "allocation" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OptimizationResult_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Warehouse_organizationId_code_key" ON "Warehouse"("organizationId", "code");

-- CreateIndex
CREATE INDEX "TransportLane_organizationId_idx" ON "TransportLane"("organizationId");

-- CreateIndex
CREATE INDEX "ProductSupply_organizationId_idx" ON "ProductSupply"("organizationId");

-- CreateIndex
CREATE INDEX "StockSnapshot_organizationId_date_idx" ON "StockSnapshot"("organizationId", "date");

-- CreateIndex
CREATE INDEX "PurchaseOrder_productId_status_idx" ON "PurchaseOrder"("productId", "status");

-- CreateIndex
CREATE INDEX "PurchaseOrder_warehouseId_status_idx" ON "PurchaseOrder"("warehouseId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "PurchaseOrder_organizationId_reference_key" ON "PurchaseOrder"("organizationId", "reference");

-- CreateIndex
CREATE UNIQUE INDEX "OptimizationResult_jobId_key" ON "OptimizationResult"("jobId");

-- CreateIndex
CREATE INDEX "OptimizationResult_productId_createdAt_idx" ON "OptimizationResult"("productId", "createdAt");

-- CreateIndex
CREATE INDEX "OptimizationResult_organizationId_createdAt_idx" ON "OptimizationResult"("organizationId", "createdAt");

-- AddForeignKey
ALTER TABLE "Warehouse" ADD CONSTRAINT "Warehouse_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransportLane" ADD CONSTRAINT "TransportLane_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransportLane" ADD CONSTRAINT "TransportLane_fromWarehouseId_fkey" FOREIGN KEY ("fromWarehouseId") REFERENCES "Warehouse"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransportLane" ADD CONSTRAINT "TransportLane_toWarehouseId_fkey" FOREIGN KEY ("toWarehouseId") REFERENCES "Warehouse"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductSupply" ADD CONSTRAINT "ProductSupply_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductSupply" ADD CONSTRAINT "ProductSupply_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StockSnapshot" ADD CONSTRAINT "StockSnapshot_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StockSnapshot" ADD CONSTRAINT "StockSnapshot_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StockSnapshot" ADD CONSTRAINT "StockSnapshot_warehouseId_fkey" FOREIGN KEY ("warehouseId") REFERENCES "Warehouse"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PurchaseOrder" ADD CONSTRAINT "PurchaseOrder_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PurchaseOrder" ADD CONSTRAINT "PurchaseOrder_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PurchaseOrder" ADD CONSTRAINT "PurchaseOrder_warehouseId_fkey" FOREIGN KEY ("warehouseId") REFERENCES "Warehouse"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PurchaseOrder" ADD CONSTRAINT "PurchaseOrder_sourceWarehouseId_fkey" FOREIGN KEY ("sourceWarehouseId") REFERENCES "Warehouse"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OptimizationResult" ADD CONSTRAINT "OptimizationResult_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OptimizationResult" ADD CONSTRAINT "OptimizationResult_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;
