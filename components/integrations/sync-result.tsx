import type { JobResult } from "../api/types";
import { formatInteger } from "../format";
import { Card, CardBody } from "../ui/card";
import { DATA_TYPE_LABELS } from "./integration-api";

/** A finished sync: per data type, the records the provider sent and those written; SKUs that match no product. */
export function SyncResult({ result }: { result: JobResult<"sync"> }) {
  const pulled = (["orders", "inventory"] as const).flatMap((type) => {
    const counts = result[type];
    return counts ? [{ type, ...counts }] : [];
  });
  return (
    <Card>
      <CardBody className="space-y-3">
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-3" data-testid="sync-result">
          {pulled.map(({ type, read, written }) => (
            <div key={type}>
              <dt className="text-slate-500 dark:text-slate-400">{DATA_TYPE_LABELS[type]}</dt>
              <dd className="font-medium text-slate-900 tabular-nums dark:text-slate-100">
                {formatInteger(read)} read · {formatInteger(written)} written
              </dd>
            </div>
          ))}
          <div>
            <dt className="text-slate-500 dark:text-slate-400">Unknown SKUs</dt>
            <dd className={result.unknownSkus > 0 ? "font-medium text-amber-800 tabular-nums dark:text-amber-300" : "font-medium text-slate-900 tabular-nums dark:text-slate-100"}>
              {formatInteger(result.unknownSkus)}
            </dd>
          </div>
        </dl>
        {result.unknownSkus > 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">The provider sent SKUs that match none of your products; their records were not written. Add the products (or fix the SKUs in the shop) and sync again.</p>
        ) : null}
      </CardBody>
    </Card>
  );
}
