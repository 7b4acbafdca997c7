import { ApiError } from "../api/errors";
import { errorResponse } from "../api/handler";
import { recordAudit as defaultRecordAudit } from "../audit";
import { authenticate as defaultAuthenticate, isSameOrigin, type AuthOutcome } from "../auth/principal";
import { queueKeyFromName } from "../jobs/catalog";
import { logger } from "../logger";
import { BULL_BOARD_BASE_PATH, bullBoard, type BullBoardApp } from "./board";

/** What a request under /admin/queues asks for: the board's HTML page, a static file or its JSON API. */
export type BullBoardResource = "page" | "asset" | "api";

export function classifyBullBoardPath(pathname: string): BullBoardResource {
  const rest = pathname.slice(BULL_BOARD_BASE_PATH.length);
  if (rest.startsWith("/static/")) return "asset";
  if (rest === "/api" || rest.startsWith("/api/")) return "api";
  return "page";
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
  const resource = classifyBullBoardPath(url.pathname);
  try {
    const outcome = await authenticate(request);
    if (!outcome.ok) {
      if (resource === "page" && SAFE_METHODS.has(request.method)) return signInRedirect(url);
      throw new ApiError("unauthorized", outcome.reason === "missing" ? "Sign in as an admin to use the queue board" : "Invalid credentials");
    }
    const { principal } = outcome;
    if (principal.role !== "ADMIN") {
      if (resource === "page") return forbiddenPage();
      throw new ApiError("forbidden", "The queue board is for admins only");
    }
    const mutating = !SAFE_METHODS.has(request.method);
    if (mutating && principal.via === "session" && !isSameOrigin(request)) throw new ApiError("forbidden", "Cross-site request refused");

    const refusal = mutating && resource === "api" ? refusedChange(request.method, url.pathname) : undefined;
    if (refusal) throw new ApiError("forbidden", refusal);

    const auditBody = mutating && resource === "api" ? await request.clone().text().catch(() => "") : "";
    const response = await board().fetch(request);
    if (mutating && resource === "api" && response.ok) {
      const entry = auditEntryFor(request.method, url.pathname, auditBody);
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

/**
 * bull-board calls that would put jobs in a queue the catalogue never validated, or take waiting
 * jobs out without their ledger rows knowing, are refused: the app's own pages do these through the
 * catalogue and the ledger (duplicate with edited data, cancel, clean), so the ledger stays the
 * record of every job. Retry, promote, pause, clean of finished jobs and the like stay available.
 */
const REFUSED_ROUTES: readonly { method: string; pattern: RegExp; message: string }[] = [
  {
    method: "POST",
    pattern: /^\/queues\/[^/]+\/add$/,
    message: "Add jobs through CapLiquify (the API or a job page's Duplicate), so the catalogue validates them and the ledger records them",
  },
  {
    method: "PATCH",
    pattern: /^\/queues\/[^/]+\/[^/]+\/update-data$/,
    message: "Edit a job's data with Duplicate on its CapLiquify job page, so the new data is validated against the catalogue",
  },
  {
    method: "PUT",
    pattern: /^\/queues\/[^/]+\/(?:empty|obliterate)$/,
    message: "Empty a queue with Clean on the CapLiquify queues page, so the removed jobs are marked cancelled in the ledger",
  },
];

export function refusedChange(method: string, pathname: string): string | undefined {
  const apiPath = pathname.slice(`${BULL_BOARD_BASE_PATH}/api`.length);
  return REFUSED_ROUTES.find((route) => route.method === method && route.pattern.test(apiPath))?.message;
}

export interface BullBoardAuditEntry {
  action: string;
  target: string;
  details: Record<string, unknown>;
  jobCount?: number;
}

/** bull-board's mutating routes (method + path under /api) and the audit action each one is. */
const AUDITED_ROUTES: readonly { method: string; pattern: RegExp; action: string; single?: boolean }[] = [
  { method: "PUT", pattern: /^\/queues\/pause$/, action: "bull-board.queues.pause-all" },
  { method: "PUT", pattern: /^\/queues\/resume$/, action: "bull-board.queues.resume-all" },
  { method: "POST", pattern: /^\/queues\/(?<queue>[^/]+)\/add$/, action: "bull-board.job.add", single: true },
  { method: "PUT", pattern: /^\/queues\/(?<queue>[^/]+)\/retry\/(?<status>[^/]+)$/, action: "bull-board.queue.retry-all" },
  { method: "PUT", pattern: /^\/queues\/(?<queue>[^/]+)\/promote$/, action: "bull-board.queue.promote-all" },
  { method: "PUT", pattern: /^\/queues\/(?<queue>[^/]+)\/clean\/(?<status>[^/]+)$/, action: "bull-board.queue.clean" },
  { method: "PUT", pattern: /^\/queues\/(?<queue>[^/]+)\/pause$/, action: "bull-board.queue.pause" },
  { method: "PUT", pattern: /^\/queues\/(?<queue>[^/]+)\/resume$/, action: "bull-board.queue.resume" },
  { method: "PUT", pattern: /^\/queues\/(?<queue>[^/]+)\/concurrency$/, action: "bull-board.queue.set-concurrency" },
  { method: "PUT", pattern: /^\/queues\/(?<queue>[^/]+)\/rate-limit$/, action: "bull-board.queue.set-rate-limit" },
  { method: "PUT", pattern: /^\/queues\/(?<queue>[^/]+)\/rate-limit\/release$/, action: "bull-board.queue.release-rate-limit" },
  { method: "PUT", pattern: /^\/queues\/(?<queue>[^/]+)\/empty$/, action: "bull-board.queue.empty" },
  { method: "PUT", pattern: /^\/queues\/(?<queue>[^/]+)\/obliterate$/, action: "bull-board.queue.obliterate" },
  { method: "PUT", pattern: /^\/queues\/(?<queue>[^/]+)\/job-schedulers\/(?<scheduler>[^/]+)\/remove$/, action: "bull-board.scheduler.remove" },
  { method: "PUT", pattern: /^\/queues\/(?<queue>[^/]+)\/job-schedulers\/(?<scheduler>[^/]+)\/run$/, action: "bull-board.scheduler.run" },
  { method: "PATCH", pattern: /^\/queues\/(?<queue>[^/]+)\/job-schedulers\/(?<scheduler>[^/]+)$/, action: "bull-board.scheduler.update" },
  { method: "PUT", pattern: /^\/queues\/(?<queue>[^/]+)\/(?<job>[^/]+)\/retry$/, action: "bull-board.job.retry", single: true },
  { method: "PUT", pattern: /^\/queues\/(?<queue>[^/]+)\/(?<job>[^/]+)\/clean$/, action: "bull-board.job.remove", single: true },
  { method: "PUT", pattern: /^\/queues\/(?<queue>[^/]+)\/(?<job>[^/]+)\/promote$/, action: "bull-board.job.promote", single: true },
  { method: "PUT", pattern: /^\/queues\/(?<queue>[^/]+)\/(?<job>[^/]+)\/remove-unprocessed-children$/, action: "bull-board.job.remove-children", single: true },
  { method: "PATCH", pattern: /^\/queues\/(?<queue>[^/]+)\/(?<job>[^/]+)\/update-data$/, action: "bull-board.job.update-data", single: true },
  { method: "PATCH", pattern: /^\/queues\/(?<queue>[^/]+)\/(?<job>[^/]+)\/delay$/, action: "bull-board.job.change-delay", single: true },
  { method: "PATCH", pattern: /^\/queues\/(?<queue>[^/]+)\/(?<job>[^/]+)\/priority$/, action: "bull-board.job.change-priority", single: true },
  { method: "POST", pattern: /^\/metrics\/history\/purge$/, action: "bull-board.metrics.purge" },
];

/** Request bodies up to this size are kept in the audit details (settings, priorities); bigger ones (job data) are not. */
const MAX_AUDITED_BODY = 2_000;

/**
 * The audit entry for a successful mutating call to bull-board's API. A route bull-board adds in a
 * later version still gets an entry (a generic one naming the method and path), so nothing done
 * through the board goes unrecorded.
 */
export function auditEntryFor(method: string, pathname: string, body = ""): BullBoardAuditEntry {
  const apiPath = pathname.slice(`${BULL_BOARD_BASE_PATH}/api`.length);
  const details: Record<string, unknown> = { via: "bull-board", method, path: pathname };
  const trimmed = body.trim();
  if (trimmed && trimmed.length <= MAX_AUDITED_BODY) {
    try {
      details.body = JSON.parse(trimmed);
    } catch {
      // not JSON: nothing worth keeping
    }
  }
  for (const route of AUDITED_ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(apiPath);
    if (!match) continue;
    const groups = Object.fromEntries(Object.entries(match.groups ?? {}).map(([key, value]) => [key, safeDecode(value)]));
    const queue = groups.queue ? (queueKeyFromName(groups.queue) ?? groups.queue) : "all";
    if (groups.status) details.status = groups.status;
    if (groups.scheduler) details.scheduler = groups.scheduler;
    const target = groups.job ? `${queue}/${groups.job}` : queue;
    return { action: route.action, target, details, jobCount: route.single ? 1 : undefined };
  }
  return { action: "bull-board.request", target: apiPath || "/", details };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
