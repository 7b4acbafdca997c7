import { UnrecoverableError } from "bullmq";
import { ProviderAuthError } from "../../lib/integrations/connector";
import { markNeedsAttention, openConnector } from "../../lib/integrations/integrations";
import { runSync } from "../../lib/integrations/run-sync";
import { SealedSecretError } from "../../lib/integrations/secrets";
import { sharedRedis } from "../../lib/redis";
import type { Processor } from "../processor";

/** Percent within a step of unknown length: grows with the pages read, never reaching the next step. */
const within = (from: number, span: number, pages: number) => from + Math.floor(span * (pages / (pages + 10)));

/**
 * Pulls the integration's data types from the provider, page by page from the saved cursors
 * (lib/integrations/run-sync.ts), and records how it went on the integration. A provider that
 * refuses the credentials marks the integration as needing attention and fails the job without
 * retries; anything else is retried by the queue's attempts, resuming from the last committed page.
 */
export const syncProcessor: Processor<"sync"> = {
  async run(job, context) {
    const { integrationId, dataTypes, force } = job.data;
    await context.step("connecting");
    const row = await context.db.integration.findUnique({ where: { id: integrationId } });
    if (!row) throw new UnrecoverableError(`Integration ${integrationId} does not exist`);
    if (context.owner.organizationId && row.organizationId !== context.owner.organizationId) {
      throw new UnrecoverableError(`Integration ${integrationId} belongs to another organisation than the run; start it from the integration (POST /api/v1/integrations/${integrationId}/sync)`);
    }
    if (row.status === "DISABLED") throw new UnrecoverableError(`Integration "${row.name}" is disabled; enable it to sync`);
    if (row.status === "NEEDS_ATTENTION") throw new UnrecoverableError(`Integration "${row.name}" needs attention: ${row.lastError ?? "check its credentials"}`);
    await context.db.integration.update({ where: { id: row.id }, data: { lastSyncAt: new Date() } });

    try {
      const connector = openConnector(row, { redis: sharedRedis("worker") });
      const outcome = await runSync(
        { integrationId: row.id, organizationId: row.organizationId, dataTypes, force, settings: row.settings },
        {
          db: context.db,
          connector,
          signal: context.signal,
          onPage: (dataType, page) =>
            dataType === "orders"
              ? context.progress(within(10, 40, page.pages), `Orders: ${page.pages} pages, ${page.records} orders read`)
              : context.progress(within(50, 40, page.pages), `Inventory: ${page.pages} pages, ${page.records} levels read`),
        },
      );
      await context.step("saving");
      await context.db.integration.update({ where: { id: row.id }, data: { lastSuccessAt: new Date(), lastError: null } });
      await context.step("done");
      const counts = (value: typeof outcome.orders) => value && { read: value.read, written: value.written, pages: value.pages };
      return {
        success: true,
        integrationId: row.id,
        orders: counts(outcome.orders),
        inventory: counts(outcome.inventory),
        unknownSkus: outcome.unknownSkuCount,
        unknownSkuList: outcome.unknownSkus,
        unmappedLocations: outcome.unmappedLocations,
        resumed: outcome.resumed,
        requests: connector.stats.requests,
        throttled: connector.stats.throttled,
      };
    } catch (error) {
      if (error instanceof ProviderAuthError || error instanceof SealedSecretError) {
        await markNeedsAttention(row.id, error.message, { db: context.db });
        throw new UnrecoverableError(error.message);
      }
      await context.db.integration.update({ where: { id: row.id }, data: { lastError: (error as Error).message.slice(0, 1_000) } }).catch(() => undefined);
      throw error;
    }
  },
};
