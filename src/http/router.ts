import { findRoute, methodsMatching, pathSegments, type Route } from '../core/routes';

interface Match {
  route: Route;
  /** path parameters exactly as they appear in the URL (still percent-encoded, like a REST API delivers them) */
  rawParams: Record<string, string>;
}

/** Matches a raw URL path against the route table the way API Gateway does (core/routes.ts findRoute). */
export function matchRoute(routes: readonly Route[], method: string, rawPath: string): Match | undefined {
  const found = findRoute(routes, method, pathSegments(rawPath));
  return found && { route: found.route, rawParams: found.params };
}

/** All methods some route accepts on this path (for 405 and CORS preflight). */
export function methodsFor(routes: readonly Route[], rawPath: string): string[] {
  return methodsMatching(routes, pathSegments(rawPath));
}
