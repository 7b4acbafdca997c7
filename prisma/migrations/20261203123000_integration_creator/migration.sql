-- The admin who added an integration: the owner of the syncs its webhooks start.

-- AlterTable
ALTER TABLE "Integration" ADD COLUMN     "createdById" TEXT;

-- AddForeignKey
ALTER TABLE "Integration" ADD CONSTRAINT "Integration_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;


