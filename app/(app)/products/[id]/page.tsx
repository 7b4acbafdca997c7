import type { Metadata } from "next";
import { ProductOverviewView } from "@/components/products/product-overview";

export const metadata: Metadata = { title: "Product" };

export default async function ProductPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ProductOverviewView productId={id} />;
}
