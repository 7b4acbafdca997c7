import { NextResponse, type NextRequest } from "next/server";

/** The path and query the browser asked for, as the signed-in layout reads it. */
export const REQUESTED_PATH_HEADER = "x-requested-path";

/**
 * Hands the requested page to the server components: a layout is not given the URL, yet the
 * signed-in layout needs it so that signing in comes back to the same page (`callbackUrl`). The
 * header is always overwritten, so a client cannot choose it; the sign-in page accepts only
 * same-site paths anyway. Nothing is decided here: the layout does the auth check.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set(REQUESTED_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Pages only: not the API, bull-board (its route checks the session itself), sign-in or assets.
  matcher: ["/((?!api/|admin/|signin|_next/|favicon).*)"],
};
