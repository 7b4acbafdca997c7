import { NextResponse, type NextRequest } from "next/server";
import { ApiError } from "./lib/api/errors";

/** The path and query the browser asked for, as the signed-in layout reads it. */
export const REQUESTED_PATH_HEADER = "x-requested-path";

/** Where a page path that cannot be decoded is rewritten: matches no route, so the not-found page answers. */
const UNDECODABLE_PAGE = "/_undecodable-path";

/**
 * Hands the requested page to the server components: a layout is not given the URL, yet the
 * signed-in layout needs it so that signing in comes back to the same page (`callbackUrl`). The
 * header is always overwritten, so a client cannot choose it; the sign-in page accepts only
 * same-site paths anyway. Nothing is decided here: the layout does the auth check.
 *
 * A path that is not valid percent-encoded UTF-8 (`/products/%FF`) is answered here, on every
 * route: Next decodes dynamic segments with decodeURIComponent after the proxy, and its fallback
 * for the error fails in the App Router, so such a path got a plain-text 500 before any handler.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (!isDecodable(pathname)) {
    if (pathname.startsWith("/api/")) return new ApiError("not-found", "Not found: the path is not valid UTF-8").toResponse();
    return NextResponse.rewrite(new URL(UNDECODABLE_PAGE, request.url));
  }
  // Pages only: not the API, bull-board (its route checks the session itself), sign-in or assets.
  if (/^\/(api|admin)\/|^\/signin/.test(pathname)) return NextResponse.next();
  const headers = new Headers(request.headers);
  headers.set(REQUESTED_PATH_HEADER, `${pathname}${search}`);
  return NextResponse.next({ request: { headers } });
}

function isDecodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

export const config = {
  matcher: [
    // Pages, bull-board and sign-in: every path but Next's own assets and the API.
    "/((?!_next/|favicon|api/).*)",
    // The API only for a path holding a percent-escape, the one kind that may not decode: running
    // the proxy costs a Next API request a good third of its CPU, and it has nothing else to do
    // there. Next tests a matcher against the raw path (and the decoded one when it decodes), so
    // `/api/v1/products/%FF` still comes here.
    "/api/(.*%.*)",
  ],
};
