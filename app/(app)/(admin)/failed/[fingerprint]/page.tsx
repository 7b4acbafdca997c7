import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { GroupView } from "@/components/failed/group-view";
import { PageHeader } from "@/components/page-header";

export const metadata: Metadata = { title: "Failure group" };

export default async function FailureGroupPage({ params }: { params: Promise<{ fingerprint: string }> }) {
  const { fingerprint } = await params;
  if (!/^[0-9a-f]{20}$/.test(fingerprint)) notFound();
  return (
    <>
      <PageHeader title="Failure group" description="Every failed job with this error, newest first. Select some to retry, or act on the whole group." />
      <GroupView fingerprint={fingerprint} />
    </>
  );
}
