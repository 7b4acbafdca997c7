/**
 * Where a browser may be sent after sign-in: this site's own paths only. Pure, so the server's
 * sign-in page, the client form and next-auth's redirect callback apply one rule.
 */

/** Longer than any link the app makes; a longer one is not worth parsing. */
const MAX_LENGTH = 2048;
const BASE = "http://callback.invalid";
// A browser reads "\" as "/" in http(s) paths, so "/\evil" is "//evil"; controls are never in a link we make.
const FORBIDDEN = /[\\\u0000-\u001f\u007f]/;

/**
 * `value` as a same-origin path (path, query and hash), or null. It is first normalised as the
 * WHATWG URL parser does before anything else — leading and trailing C0 controls and spaces
 * trimmed, every tab and newline removed — since "/\t/evil.example" is what a browser follows as
 * "//evil.example". Then it must start with one "/", hold no backslash or control character, and
 * not turn into "//…" or "/\…" once percent-decoded (for code that decodes before redirecting).
 */
export function sameOriginPath(value: unknown): string | null {
  if (typeof value !== "string" || value.length > MAX_LENGTH) return null;
  const normalised = value.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/[\t\n\r]/g, "");
  if (!normalised.startsWith("/") || normalised.startsWith("//") || FORBIDDEN.test(normalised)) return null;
  let decoded = normalised;
  for (let previous = ""; decoded !== previous; ) {
    previous = decoded;
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      return null;
    }
    if (decoded.startsWith("//") || FORBIDDEN.test(decoded)) return null;
  }
  const url = new URL(normalised, BASE);
  if (url.origin !== BASE) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * The page to open after signing in: a same-origin path (see sameOriginPath), and never the
 * sign-in page itself or an API URL; anything else goes to `fallback`.
 * @defaultValue fallback "/" (the home page, which sends a user on to their start page)
 */
export function safeCallbackUrl(value: unknown, fallback = "/"): string {
  const path = sameOriginPath(value);
  if (path === null || /^\/(signin|api)(?=[/?#]|$)/.test(path)) return fallback;
  return path;
}
