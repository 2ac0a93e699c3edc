import type { Route } from '../core/routes';

interface Match {
  route: Route;
  /** path parameters exactly as they appear in the URL (still percent-encoded, like a REST API delivers them) */
  rawParams: Record<string, string>;
}

/**
 * Matches a raw URL path against the route table the way API Gateway does: segment by segment, a literal segment
 * beating a `{param}` (so `/items/status/{status}` wins over `/items/{search_key}/{search_value}`).
 */
export function matchRoute(routes: readonly Route[], method: string, rawPath: string): Match | undefined {
  const segments = trimSlashes(rawPath).split('/');
  let best: { match: Match; score: number } | undefined;
  for (const route of routes) {
    if (route.method !== method) continue;
    const parts = trimSlashes(route.path).split('/');
    if (parts.length !== segments.length) continue;
    const rawParams: Record<string, string> = {};
    let score = 0;
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const part = parts[i]!;
      const seg = segments[i]!;
      const param = /^\{([^}+]+)\}$/.exec(part);
      if (param) {
        if (seg === '') ok = false;
        else rawParams[param[1]!] = seg;
      } else if (part === seg) score += 2 ** (parts.length - i);
      else ok = false;
    }
    if (ok && (!best || score > best.score)) best = { match: { route, rawParams }, score };
  }
  return best?.match;
}

/** All methods some route accepts on this path (for 405 and CORS preflight). */
export function methodsFor(routes: readonly Route[], rawPath: string): string[] {
  return [...new Set(routes.filter((r) => matchRoute([r], r.method, rawPath)).map((r) => r.method))];
}

const trimSlashes = (p: string) => p.replace(/^\/+/, '').replace(/\/+$/, '');
