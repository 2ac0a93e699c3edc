import { pathSegments, type Route } from '../core/routes';

interface Match {
  route: Route;
  /** path parameters exactly as they appear in the URL (still percent-encoded, like a REST API delivers them) */
  rawParams: Record<string, string>;
}

/** A route's template split once: each segment a literal or the name of a parameter. */
interface CompiledRoute {
  route: Route;
  parts: ReadonlyArray<{ literal: string } | { param: string }>;
}

// Route tables are built once per process (the local server, a test): their templates are split once, not per request.
const compiledTables = new WeakMap<readonly Route[], readonly CompiledRoute[]>();

function compile(routes: readonly Route[]): readonly CompiledRoute[] {
  let table = compiledTables.get(routes);
  if (!table) {
    table = routes.map((route) => ({
      route,
      parts: pathSegments(route.path).map((part) => {
        const param = /^\{([^}+]+)\}$/.exec(part);
        return param ? { param: param[1]! } : { literal: part };
      }),
    }));
    compiledTables.set(routes, table);
  }
  return table;
}

/** A request's segments against one route: its raw parameters and score, or undefined when it does not match. */
function matchSegments(
  compiled: CompiledRoute,
  segments: readonly string[],
): { rawParams: Record<string, string>; score: number } | undefined {
  const { parts } = compiled;
  if (parts.length !== segments.length) return undefined;
  const rawParams: Record<string, string> = {};
  let score = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const seg = segments[i]!;
    if ('param' in part) {
      if (seg === '') return undefined;
      rawParams[part.param] = seg;
    } else if (part.literal === seg) score += 2 ** (parts.length - i);
    else return undefined;
  }
  return { rawParams, score };
}

/**
 * Matches a raw URL path against the route table the way API Gateway does: segment by segment, a literal segment
 * beating a `{param}` (so `/items/status/{status}` wins over `/items/{search_key}/{search_value}`). The path is split
 * once per request and each route compares at most its own few segments: the cost is linear in the path's length.
 */
export function matchRoute(routes: readonly Route[], method: string, rawPath: string): Match | undefined {
  const segments = pathSegments(rawPath);
  let best: { match: Match; score: number } | undefined;
  for (const compiled of compile(routes)) {
    if (compiled.route.method !== method) continue;
    const m = matchSegments(compiled, segments);
    if (m && (!best || m.score > best.score))
      best = { match: { route: compiled.route, rawParams: m.rawParams }, score: m.score };
  }
  return best?.match;
}

/** All methods some route accepts on this path (for 405 and CORS preflight). */
export function methodsFor(routes: readonly Route[], rawPath: string): string[] {
  const segments = pathSegments(rawPath);
  const methods = new Set<string>();
  for (const compiled of compile(routes)) if (matchSegments(compiled, segments)) methods.add(compiled.route.method);
  return [...methods];
}
