-- A btree entry is limited to ~2.7 KB, so a run whose business key is longer (an import's file path
-- in multi-byte characters) failed its ledger insert. A hash index stores a 4-byte hash whatever
-- the key and still serves the equality lookups of run search.

-- DropIndex
DROP INDEX "JobRun_businessKey_idx";

-- CreateIndex
CREATE INDEX "JobRun_businessKey_idx" ON "JobRun" USING HASH ("businessKey");
