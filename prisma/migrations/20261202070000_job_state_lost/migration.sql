-- A run whose job vanished from Redis before its outcome reached the ledger (removed outside the
-- app, or dropped by retention) is marked LOST by the ledger reconciler instead of staying
-- WAITING or ACTIVE for ever.

-- AlterEnum
ALTER TYPE "JobState" ADD VALUE 'LOST';
