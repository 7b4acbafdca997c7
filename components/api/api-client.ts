/**
 * Same-origin JSON calls to /api/v1. Mutations rely on the browser sending Origin and
 * Sec-Fetch-Site, which the API checks for cookie sessions, so nothing here sets them by hand.
 */
export interface ApiErrorDetail {
  path: string;
  message: string;
}

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ApiErrorDetail[] = [],
  ) {
    super(message);
    this.name = "ApiRequestError";
  }

  /** 503 means Redis or PostgreSQL is away: worth a banner and a retry, not an error page. */
  get isUnavailable(): boolean {
    return this.status === 503;
  }
}

async function parseError(response: Response): Promise<ApiRequestError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // a proxy or a crashed server may answer with HTML; fall through to a generic message
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (error && typeof error.message === "string") {
    const details = Array.isArray(error.details) ? (error.details as ApiErrorDetail[]) : [];
    return new ApiRequestError(response.status, typeof error.code === "string" ? error.code : "error", error.message, details);
  }
  return new ApiRequestError(response.status, "http-error", `The server answered ${response.status} ${response.statusText}`.trim());
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      credentials: "same-origin",
      headers: { accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}), ...init.headers },
    });
  } catch {
    throw new ApiRequestError(0, "network-error", "Cannot reach the server. Check your connection and try again.");
  }
  if (!response.ok) throw await parseError(response);
  return (await response.json()) as T;
}

export function getJson<T>(path: string, { signal }: { signal?: AbortSignal } = {}): Promise<T> {
  return request<T>(path, { signal });
}

export function postJson<T>(path: string, body?: unknown): Promise<T> {
  return request<T>(path, { method: "POST", body: body === undefined ? undefined : JSON.stringify(body) });
}

export function patchJson<T>(path: string, body: unknown): Promise<T> {
  return request<T>(path, { method: "PATCH", body: JSON.stringify(body) });
}

/** Health answers 503 with a normal body when the system is down; that body is the data, not an error. */
export async function getHealth<T>({ signal }: { signal?: AbortSignal } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch("/api/v1/health", { signal, credentials: "same-origin", cache: "no-store" });
  } catch {
    throw new ApiRequestError(0, "network-error", "Cannot reach the server.");
  }
  if (response.ok || response.status === 503) {
    try {
      return (await response.json()) as T;
    } catch {
      // fall through
    }
  }
  throw await parseError(response);
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return "Something went wrong";
}

/**
 * A failed request's per-path details, grouped by the form field they concern. `fieldOf` names
 * the field of a body path (`name`, `data.horizon`), or null where the form has none; those, and an
 * error without details, land under "other" with their path, so no message is dropped. Fields in
 * `withPath` keep the path in their messages (a JSON field whose inner path matters).
 */
export function fieldErrors<F extends string>(
  error: unknown,
  fieldOf: (path: string) => F | null,
  { withPath = [] }: { withPath?: readonly F[] } = {},
): Partial<Record<F | "other", string[]>> {
  if (!(error instanceof ApiRequestError) || error.details.length === 0) return { other: [errorMessage(error)] } as Partial<Record<F | "other", string[]>>;
  const errors: Partial<Record<F | "other", string[]>> = {};
  for (const detail of error.details) {
    const path = detail.path.replace(/^body\./, "");
    const field = fieldOf(path);
    const key: F | "other" = field ?? "other";
    (errors[key] ??= []).push(field === null || withPath.includes(field) ? `${path || "request"}: ${detail.message}` : detail.message);
  }
  return errors;
}
