import type { ReactNode } from "react";
import type { JobResult } from "../api/types";
import { formatInteger } from "../format";
import { Card, CardBody } from "../ui/card";
import { DATA_TYPE_LABELS } from "./integration-api";

const plural = (count: number, one: string, many = `${one}s`) => `${formatInteger(count)} ${count === 1 ? one : many}`;

function Figure({ label, children, tone = "plain" }: { label: string; children: ReactNode; tone?: "plain" | "warning" }) {
  return (
    <div>
      <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className={tone === "warning" ? "font-medium text-amber-800 tabular-nums dark:text-amber-300" : "font-medium text-slate-900 tabular-nums dark:text-slate-100"}>{children}</dd>
    </div>
  );
}

/**
 * A finished sync: per data type, the pages and records the provider sent and those written;
 * the requests it took (and how many the provider's rate limit turned away); SKUs that match no
 * product and locations that feed no warehouse, whose records were left out.
 */
export function SyncResult({ result }: { result: JobResult<"sync"> }) {
  const pulled = (["orders", "inventory"] as const).flatMap((type) => {
    const counts = result[type];
    return counts ? [{ type, ...counts }] : [];
  });
  const unmapped = result.unmappedLocations ?? [];
  return (
    <Card>
      <CardBody className="space-y-3">
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4" data-testid="sync-result">
          {pulled.map(({ type, read, written, pages }) => (
            <Figure key={type} label={DATA_TYPE_LABELS[type]}>
              {formatInteger(read)} read · {formatInteger(written)} written
              {pages !== undefined ? <span className="block text-xs font-normal text-slate-600 dark:text-slate-400">{plural(pages, "page")}</span> : null}
            </Figure>
          ))}
          {result.requests !== undefined ? (
            <Figure label="Requests">
              {formatInteger(result.requests)}
              {result.throttled ? <span className="block text-xs font-normal text-slate-600 dark:text-slate-400">{formatInteger(result.throttled)} rate-limited, retried</span> : null}
            </Figure>
          ) : null}
          <Figure label="Unknown SKUs" tone={result.unknownSkus > 0 ? "warning" : "plain"}>
            {formatInteger(result.unknownSkus)}
          </Figure>
        </dl>
        {result.resumed ? <p className="text-sm text-slate-600 dark:text-slate-400">Resumed from the last page an earlier attempt had saved.</p> : null}
        {result.unknownSkus > 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="unknown-skus">
            The shop sent SKUs that match none of the organisation&apos;s products; their lines and stock were not written
            {result.unknownSkuList?.length ? (
              <>
                : <span className="font-mono">{result.unknownSkuList.join(", ")}</span>
                {result.unknownSkus > result.unknownSkuList.length ? ` and ${formatInteger(result.unknownSkus - result.unknownSkuList.length)} more` : ""}
              </>
            ) : null}
            . Add the products (or fix the SKUs in the shop) and sync again.
          </p>
        ) : null}
        {unmapped.length > 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Stock at {unmapped.length === 1 ? "this location feeds" : "these locations feed"} no warehouse and was not written: <span className="font-medium">{unmapped.join(", ")}</span>. Name a warehouse of the same code or name, or map the location in the integration&apos;s settings.
          </p>
        ) : null}
      </CardBody>
    </Card>
  );
}
