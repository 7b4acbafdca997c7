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

/** The API's `{ error: { code, message, details } }` body, or the bare status when there is none. */
function errorFromBody(status: number, statusText: string, body: unknown): ApiRequestError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (error && typeof error.message === "string") {
    const details = Array.isArray(error.details) ? (error.details as ApiErrorDetail[]) : [];
    return new ApiRequestError(status, typeof error.code === "string" ? error.code : "error", error.message, details);
  }
  return new ApiRequestError(status, "http-error", `The server answered ${status} ${statusText}`.trim());
}

async function parseError(response: Response): Promise<ApiRequestError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // a proxy or a crashed server may answer with HTML; fall through to a generic message
  }
  return errorFromBody(response.status, response.statusText, body);
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
  if (response.status === 204) return undefined as T;
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

/** Bytes sent so far of an upload, and its total. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

function xhrError(xhr: XMLHttpRequest): ApiRequestError {
  let body: unknown = null;
  try {
    body = JSON.parse(xhr.responseText);
  } catch {
    // a proxy may refuse a large body with HTML; fall through to the status
  }
  return errorFromBody(xhr.status, xhr.statusText, body);
}

/**
 * POSTs one file as multipart (`field`, default "file") and reads the JSON answer. An XHR rather
 * than fetch, because only XHR reports upload progress; aborting the signal stops the transfer.
 */
export function uploadFile<T>(path: string, file: File, { field = "file", onProgress, signal }: { field?: string; onProgress?(progress: UploadProgress): void; signal?: AbortSignal } = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.withCredentials = true;
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (event) => onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) return reject(xhrError(xhr));
      try {
        resolve(JSON.parse(xhr.responseText) as T);
      } catch {
        reject(new ApiRequestError(xhr.status, "http-error", "The server's answer was not JSON."));
      }
    };
    xhr.onerror = () => reject(new ApiRequestError(0, "network-error", "Cannot reach the server. Check your connection and try again."));
    xhr.onabort = () => reject(new DOMException("The upload was cancelled.", "AbortError"));
    if (signal) {
      if (signal.aborted) return reject(new DOMException("The upload was cancelled.", "AbortError"));
      signal.addEventListener("abort", () => xhr.abort(), { once: true });
    }
    const form = new FormData();
    form.append(field, file, file.name);
    xhr.send(form);
  });
}

export function putJson<T>(path: string, body: unknown): Promise<T> {
  return request<T>(path, { method: "PUT", body: JSON.stringify(body) });
}

export function deleteJson<T>(path: string, body?: unknown): Promise<T> {
  return request<T>(path, { method: "DELETE", body: body === undefined ? undefined : JSON.stringify(body) });
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
