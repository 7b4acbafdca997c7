type Params = Record<string, string | string[] | undefined>;

/** The label of a request whose path could not be matched to its params; keeps cardinality bounded. */
export const UNMATCHED_ROUTE = "(unmatched)";

/**
 * The route pattern of a request (`/api/v1/queues/[queueKey]/jobs`), rebuilt from its path and
 * the params Next resolved for it, for metric labels and span names: a raw path would make one
 * time series per job id. Next gives a route handler its params but not its pattern, so each
 * param's value is located in the path, left to right, after the previous one. A value equal to
 * a literal segment before it may swap the two in the label; the label stays one of the route's
 * segments either way, so the set of labels stays finite. A path that cannot be matched (it
 * cannot happen for a request Next routed) is labelled UNMATCHED_ROUTE, never the raw path.
 */
export function routePattern(pathname: string, params: Params): string {
  const segments = pathname.split("/");
  let from = 1;
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      // Catch-all: its segments are the last ones of the path.
      const start = segments.length - value.length;
      if (start < from || value.some((part, index) => decode(segments[start + index]!) !== part)) return UNMATCHED_ROUTE;
      segments.splice(start, value.length, `[...${name}]`);
      from = start + 1;
      continue;
    }
    const index = segments.findIndex((segment, position) => position >= from && decode(segment) === value);
    if (index === -1) return UNMATCHED_ROUTE;
    segments[index] = `[${name}]`;
    from = index + 1;
  }
  return segments.join("/") || "/";
}

function decode(segment: string): string | null {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
