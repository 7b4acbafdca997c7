-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "link" TEXT;
