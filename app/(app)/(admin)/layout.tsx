import type { ReactNode } from "react";
import { signedInAdmin } from "../signed-in";

/**
 * The admins' pages (queues, jobs, failed jobs, integrations, audit log): planners get the 403 page. The job
 * page under /queues is not in this group, as a planner may open their own jobs.
 */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  await signedInAdmin();
  return children;
}
