import { ApiError } from "../api/errors";
import { errorResponse } from "../api/handler";
import { recordAudit as defaultRecordAudit } from "../audit";
import { authenticate as defaultAuthenticate, isSameOrigin, type AuthOutcome } from "../auth/principal";
import { queueKeyFromName } from "../jobs/catalog";
import { logger } from "../logger";
import { BULL_BOARD_BASE_PATH, bullBoard, type BullBoardApp } from "./board";

/** What a request under /admin/queues asks for: the board's HTML page, a static file or its JSON API. */
export type BullBoardResource = "page" | "asset" | "api";

/** A request path under /admin/queues as bull-board's router sees it: each segment percent-decoded once. */
export interface BullBoardPath {
  resource: BullBoardResource;
  /** Decoded segments after the base path; `["api", "queues", "export-queue", "empty"]`. */
  segments: string[];
  /** The same path re-encoded one way (encodeURIComponent per segment): what the board is given. */
  canonical: string;
}

const BASE_SEGMENTS = BULL_BOARD_BASE_PATH.split("/").slice(1);

/**
 * Decides on the path the board will route, not on the bytes the client sent: Hono matches the
 * decoded path, so `update%2Ddata` is `update-data` there and must be here too. A segment that
 * decodes to a path separator or a dot-segment has no single meaning and is refused outright.
 */
export function parseBullBoardPath(pathname: string): BullBoardPath {
  const decoded = pathname.split("/").slice(1).map(decodeSegment);
  if (BASE_SEGMENTS.some((segment, index) => decoded[index] !== segment)) throw new ApiError("not-found", "Not a queue board path");
  const segments = decoded.slice(BASE_SEGMENTS.length);
  const resource: BullBoardResource = segments[0] === "static" && segments.length > 1 ? "asset" : segments[0] === "api" ? "api" : "page";
  const canonical = [BULL_BOARD_BASE_PATH, ...segments.map(encodeURIComponent)].join("/");
  return { resource, segments, canonical };
}

function decodeSegment(raw: string): string {
  let segment: string;
  try {
    segment = decodeURIComponent(raw);
  } catch {
    throw new ApiError("bad-request", "Malformed percent-encoding in the path");
  }
  if (/[/\\]/.test(segment)) throw new ApiError("bad-request", "Encoded path separators are not accepted");
  if (segment === "." || segment === "..") throw new ApiError("bad-request", "Dot-segments are not accepted in the path");
  return segment;
}

export function classifyBullBoardPath(pathname: string): BullBoardResource {
  return parseBullBoardPath(pathname).resource;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface BullBoardDeps {
  authenticate?: (request: Request) => Promise<AuthOutcome>;
  board?: () => BullBoardApp;
  recordAudit?: typeof defaultRecordAudit;
}

/**
 * Every request under /admin/queues — page, static file and JSON API alike — passes here before
 * bull-board sees it: admins only; an anonymous browser is sent to sign in, anything else is
 * answered 401 or 403. Cookie-authenticated changes must be same-origin, and the changes an admin
 * makes through the board are written to the audit log like the app's own admin actions.
 */
export async function handleBullBoardRequest(
  request: Request,
  { authenticate = (r) => defaultAuthenticate(r), board = bullBoard, recordAudit = defaultRecordAudit }: BullBoardDeps = {},
): Promise<Response> {
  const url = new URL(request.url);
  try {
    const path = parseBullBoardPath(url.pathname);
    const outcome = await authenticate(request);
    if (!outcome.ok) {
      if (path.resource === "page" && SAFE_METHODS.has(request.method)) return signInRedirect(url);
      throw new ApiError("unauthorized", outcome.reason === "missing" ? "Sign in as an admin to use the queue board" : "Invalid credentials");
    }
    const { principal } = outcome;
    if (principal.role !== "ADMIN") {
      if (path.resource === "page") return forbiddenPage();
      throw new ApiError("forbidden", "The queue board is for admins only");
    }
    if (SAFE_METHODS.has(request.method)) return await board().fetch(forwardedRequest(request, url, path));

    if (principal.via === "session" && !isSameOrigin(request)) throw new ApiError("forbidden", "Cross-site request refused");
    const action = path.resource === "api" ? bullBoardAction(request.method, path.segments.slice(1)) : undefined;
    if (!action) throw new ApiError("forbidden", "The queue board offers no such change");
    if (action.refused) throw new ApiError("forbidden", action.refused);

    const body = await request.text();
    const response = await board().fetch(forwardedRequest(request, url, path, body));
    if (response.ok) {
      const entry = auditEntryFor(action, path.canonical, body);
      // The action has happened; a failed audit write is logged loudly rather than reported as a failed action.
      await recordAudit({ actorId: principal.id, ...entry }).catch((error: unknown) =>
        logger().error({ err: error, action: entry.action, target: entry.target }, "bull-board audit write failed"),
      );
    }
    return response;
  } catch (error) {
    return errorResponse(error, request);
  }
}

/** The request as the board is given it: on the canonical path, so it routes what was checked above. */
function forwardedRequest(request: Request, url: URL, path: BullBoardPath, body?: string): Request {
  if (url.pathname === path.canonical && body === undefined) return request;
  const target = new URL(url);
  target.pathname = path.canonical;
  return new Request(target, { method: request.method, headers: request.headers, body: body === undefined ? undefined : body, signal: request.signal });
}

function signInRedirect(url: URL): Response {
  const returnTo = `${url.pathname}${url.search}`;
  return new Response(null, { status: 307, headers: { location: `/signin?callbackUrl=${encodeURIComponent(returnTo)}`, "cache-control": "no-store" } });
}

/** A page of our own (bull-board is not a Next page, so app/forbidden.tsx cannot render here). */
function forbiddenPage(): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>Admins only · CapLiquify</title>
<style>
  body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;font-family:ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;background:#f8fafc;color:#0f172a;text-align:center}
  p.code{color:#4f46e5;font-weight:600;font-size:.875rem;margin:0} h1{font-size:1.5rem;margin:.5rem 0} p{color:#475569;font-size:.875rem}
  a{color:#4338ca;font-weight:500;font-size:.875rem} a:focus-visible{outline:2px solid #4f46e5;outline-offset:2px}
  @media (prefers-color-scheme: dark){body{background:#020617;color:#f1f5f9} p{color:#94a3b8} p.code,a{color:#818cf8}}
</style></head>
<body><main><p class="code">403</p><h1>Admins only</h1><p>The queue board is for administrators. Your own jobs are under My runs.</p><a href="/my-runs">Go to my runs</a></main></body></html>`;
  return new Response(html, { status: 403, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}

const REFUSED = {
  add: "Add jobs through CapLiquify (the API or a job page's Duplicate), so the catalogue validates them and the ledger records them",
  updateData: "Edit a job's data with Duplicate on its CapLiquify job page, so the new data is validated against the catalogue",
  empty: "Empty a queue with Clean on the CapLiquify queues page, so the removed jobs are marked cancelled in the ledger",
} as const;

export interface BullBoardAction {
  method: string;
  /** bull-board's route under /api, `:name` for a parameter. */
  route: string;
  action: string;
  /** Why the board may not do this: calls that would put jobs in a queue the catalogue never validated, or take waiting jobs out without their ledger rows knowing. */
  refused?: string;
  single?: boolean;
}

/**
 * Every change bull-board's API offers (its `appRoutes`, in the order it registers them, which is
 * the order its router tries them), each named for the audit log. A change not listed here is
 * refused, so a route a later bull-board adds is closed until someone decides about it. The app's
 * own pages do the refused ones through the catalogue and the ledger (duplicate with edited data,
 * cancel, clean); retry, promote, pause, clean of finished jobs and the like stay available.
 */
export const BULL_BOARD_ACTIONS: readonly BullBoardAction[] = [
  { method: "PUT", route: "/queues/pause", action: "bull-board.queues.pause-all" },
  { method: "PUT", route: "/queues/resume", action: "bull-board.queues.resume-all" },
  { method: "POST", route: "/queues/:queue/add", action: "bull-board.job.add", refused: REFUSED.add, single: true },
  { method: "PUT", route: "/queues/:queue/retry/:status", action: "bull-board.queue.retry-all" },
  { method: "PUT", route: "/queues/:queue/promote", action: "bull-board.queue.promote-all" },
  { method: "PUT", route: "/queues/:queue/clean/:status", action: "bull-board.queue.clean" },
  { method: "PUT", route: "/queues/:queue/pause", action: "bull-board.queue.pause" },
  { method: "PUT", route: "/queues/:queue/resume", action: "bull-board.queue.resume" },
  { method: "PUT", route: "/queues/:queue/concurrency", action: "bull-board.queue.set-concurrency" },
  { method: "PUT", route: "/queues/:queue/rate-limit", action: "bull-board.queue.set-rate-limit" },
  { method: "PUT", route: "/queues/:queue/rate-limit/release", action: "bull-board.queue.release-rate-limit" },
  { method: "PUT", route: "/queues/:queue/empty", action: "bull-board.queue.empty", refused: REFUSED.empty },
  { method: "PUT", route: "/queues/:queue/obliterate", action: "bull-board.queue.obliterate", refused: REFUSED.empty },
  { method: "PUT", route: "/queues/:queue/job-schedulers/:scheduler/remove", action: "bull-board.scheduler.remove" },
  { method: "PATCH", route: "/queues/:queue/job-schedulers/:scheduler", action: "bull-board.scheduler.update" },
  { method: "PUT", route: "/queues/:queue/job-schedulers/:scheduler/run", action: "bull-board.scheduler.run" },
  { method: "PUT", route: "/queues/:queue/:job/retry", action: "bull-board.job.retry", single: true },
  { method: "PUT", route: "/queues/:queue/:job/clean", action: "bull-board.job.remove", single: true },
  { method: "PUT", route: "/queues/:queue/:job/promote", action: "bull-board.job.promote", single: true },
  { method: "PATCH", route: "/queues/:queue/:job/update-data", action: "bull-board.job.update-data", refused: REFUSED.updateData, single: true },
  { method: "PATCH", route: "/queues/:queue/:job/delay", action: "bull-board.job.change-delay", single: true },
  { method: "PATCH", route: "/queues/:queue/:job/priority", action: "bull-board.job.change-priority", single: true },
  { method: "PUT", route: "/queues/:queue/:job/remove-unprocessed-children", action: "bull-board.job.remove-children", single: true },
  { method: "POST", route: "/metrics/history/purge", action: "bull-board.metrics.purge" },
];

export interface MatchedBullBoardAction extends BullBoardAction {
  params: Record<string, string>;
}

/** The change a mutating call asks for, from its decoded segments under /api; undefined if the board offers none such. */
export function bullBoardAction(method: string, segments: readonly string[]): MatchedBullBoardAction | undefined {
  for (const entry of BULL_BOARD_ACTIONS) {
    if (entry.method !== method) continue;
    const pattern = entry.route.split("/").slice(1);
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, index) => {
      const segment = segments[index]!;
      if (!part.startsWith(":")) return part === segment;
      params[part.slice(1)] = segment;
      return segment !== "";
    });
    if (matches) return { ...entry, params };
  }
  return undefined;
}

export interface BullBoardAuditEntry {
  action: string;
  target: string;
  details: Record<string, unknown>;
  jobCount?: number;
}

/** Request bodies up to this size are kept in the audit details (settings, priorities); bigger ones (job data) are not. */
const MAX_AUDITED_BODY = 2_000;

/** The audit entry for a successful change made through bull-board's API. */
export function auditEntryFor(matched: MatchedBullBoardAction, pathname: string, body = ""): BullBoardAuditEntry {
  const details: Record<string, unknown> = { via: "bull-board", method: matched.method, path: pathname };
  const trimmed = body.trim();
  if (trimmed && trimmed.length <= MAX_AUDITED_BODY) {
    try {
      details.body = JSON.parse(trimmed);
    } catch {
      // not JSON: nothing worth keeping
    }
  }
  const { queue: queueName, job, status, scheduler } = matched.params;
  const queue = queueName ? (queueKeyFromName(queueName) ?? queueName) : "all";
  if (status) details.status = status;
  if (scheduler) details.scheduler = scheduler;
  return { action: matched.action, target: job ? `${queue}/${job}` : queue, details, jobCount: matched.single ? 1 : undefined };
}
