import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { SchedulesView } from "@/components/schedules/schedules-view";
import { signedInUser } from "../signed-in";

export const metadata: Metadata = { title: "Schedules" };

export default async function SchedulesPage() {
  const user = await signedInUser();
  return (
    <>
      <PageHeader title="Schedules" description="Recurring runs: a nightly forecast, a weekly optimisation, a monthly report. Each run is a normal job, owned by the schedule's creator." />
      <SchedulesView role={user.role} />
    </>
  );
}
