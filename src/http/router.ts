import { findRoute, type Route } from '../core/routes';

interface Match {
  route: Route;
  /** path parameters exactly as they appear in the URL (still percent-encoded, like a REST API delivers them) */
  rawParams: Record<string, string>;
}

/**
 * Matches a raw URL path against the route table the way API Gateway does (core/routes.ts findRoute: segment by
 * segment, a literal segment beating a `{param}`), on the segments as sent.
 */
export function matchRoute(routes: readonly Route[], method: string, rawPath: string): Match | undefined {
  const found = findRoute(routes, method, trimSlashes(rawPath).split('/'));
  return found && { route: found.route, rawParams: found.params };
}

/** All methods some route accepts on this path (for 405 and CORS preflight). */
export function methodsFor(routes: readonly Route[], rawPath: string): string[] {
  return [...new Set(routes.filter((r) => matchRoute([r], r.method, rawPath)).map((r) => r.method))];
}

const trimSlashes = (p: string) => p.replace(/^\/+/, '').replace(/\/+$/, '');
