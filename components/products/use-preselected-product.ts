"use client";

import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { queryKeys } from "@/lib/query-keys";
import { getJson } from "../api/api-client";
import type { ProductSummary, ProductWithHistory } from "../api/types";

/**
 * The product `?product=<id>` names (the product page's "Run a forecast" and "Run an optimisation"
 * links), for a launcher to start from; pending while it loads. A product the caller cannot read
 * (another organisation's, deleted) leaves it null.
 */
export function usePreselectedProduct(): { pending: boolean; product: ProductSummary | null } {
  const productId = useSearchParams().get("product");
  const product = useQuery({
    queryKey: queryKeys.products.detail(productId ?? "", 1),
    queryFn: ({ signal }) => getJson<ProductWithHistory>(`/api/v1/products/${encodeURIComponent(productId!)}?days=1`, { signal }),
    enabled: Boolean(productId),
    staleTime: 5 * 60_000,
  });
  const data = product.data;
  return {
    pending: Boolean(productId) && product.isPending,
    product: data ? { id: data.id, organizationId: data.organizationId, sku: data.sku, name: data.name, category: data.category, unitCost: data.unitCost } : null,
  };
}
