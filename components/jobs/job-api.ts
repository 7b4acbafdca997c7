import { ApiRequestError, postJson, type ApiErrorDetail } from "../api/api-client";

/** DELETE with the same error shape as the shared client's getJson/postJson. */
export async function deleteJson<T>(path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { method: "DELETE", credentials: "same-origin", headers: { accept: "application/json" } });
  } catch {
    throw new ApiRequestError(0, "network-error", "Cannot reach the server. Check your connection and try again.");
  }
  if (response.ok) return (await response.json()) as T;
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: ApiErrorDetail[] } } | null;
  throw new ApiRequestError(
    response.status,
    body?.error?.code ?? "http-error",
    body?.error?.message ?? `The server answered ${response.status}`,
    body?.error?.details ?? [],
  );
}

const jobPath = (queue: string, jobId: string) => `/api/v1/queues/${encodeURIComponent(queue)}/jobs/${encodeURIComponent(jobId)}`;

export const jobActions = {
  retry: (queue: string, jobId: string) => postJson<{ jobId: string; state: string }>(`${jobPath(queue, jobId)}/retry`),
  promote: (queue: string, jobId: string) => postJson<{ jobId: string; state: string }>(`${jobPath(queue, jobId)}/promote`),
  cancel: (queue: string, jobId: string) => postJson<{ jobId: string; state: "cancelled" | "cancelling" }>(`${jobPath(queue, jobId)}/cancel`),
  remove: (queue: string, jobId: string) => deleteJson<{ jobId: string; removed: true; previousState: string; cancelled: boolean }>(jobPath(queue, jobId)),
  duplicate: (queue: string, jobId: string, body: { data?: unknown; priority?: number; delay?: number }) =>
    postJson<{ jobId: string; queue: string; state: string; duplicateOf: string }>(`${jobPath(queue, jobId)}/duplicate`, body),
};

/** The job page's URL; every job is deep-linkable. */
export function jobHref(queue: string, jobId: string): string {
  return `/queues/${encodeURIComponent(queue)}/jobs/${encodeURIComponent(jobId)}`;
}
