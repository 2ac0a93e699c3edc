import type { Route } from '../core/routes';

// API Gateway (REST) builds a tree of resources, one per path part. It refuses a tree where one resource has two
// children that are path variables (`/item/{id}` beside `/item/{isbn}/borrow`), a greedy `{name+}` that is not the
// last part, a part mixing text and a variable (`v{n}`), an empty part, and two methods on one resource. Refused
// while packaging, naming the routes, instead of by CloudFormation halfway through a deploy (SPEC.md §14).

export class UndeployableRoutes extends Error {
  override readonly name = 'UndeployableRoutes';
}

const label = (r: Route) => `${r.method} ${r.path}`;
const isVariable = (part: string) => part.startsWith('{') && part.endsWith('}');

interface Node {
  /** the first route that passes through this resource, to name it */
  via: Route;
  children: Map<string, Node>;
  methods: Map<string, Route>;
}

/** Throws UndeployableRoutes, naming each route involved, when API Gateway could not deploy the route table. */
export function checkApiGatewayRoutes(routes: readonly Route[]): void {
  const problems: string[] = [];
  const root: Node = { via: routes[0]!, children: new Map(), methods: new Map() };
  for (const route of routes) {
    const parts = route.path === '/' ? [] : route.path.split('/').slice(1);
    let node = root;
    for (const [i, part] of parts.entries()) {
      if (part === '') {
        problems.push(`${label(route)}: an empty path part`);
        break;
      }
      if (part.includes('{') || part.includes('}')) {
        if (!/^\{[^{}+]+\+?\}$/.test(part)) {
          problems.push(`${label(route)}: the path part "${part}" mixes text and a variable`);
          break;
        }
        if (part.endsWith('+}') && i < parts.length - 1) {
          problems.push(`${label(route)}: the greedy variable ${part} must be the last path part`);
          break;
        }
      }
      const sibling = isVariable(part)
        ? [...node.children].find(([other]) => isVariable(other) && other !== part)
        : undefined;
      if (sibling) {
        const [other, at] = sibling;
        const parent = `/${parts.slice(0, i).join('/')}`;
        problems.push(
          `${label(route)} and ${label(at.via)}: API Gateway cannot have two path variables (${part} and ${other}) ` +
            `under ${parent}; use one name for both`,
        );
        break;
      }
      let child = node.children.get(part);
      if (!child) {
        child = { via: route, children: new Map(), methods: new Map() };
        node.children.set(part, child);
      }
      node = child;
    }
    const same = node.methods.get(route.method);
    if (same && same !== route) {
      problems.push(`${label(route)}: declared twice (${same.verb} and ${route.verb})`);
    }
    node.methods.set(route.method, route);
  }
  if (problems.length > 0) {
    throw new UndeployableRoutes(`API Gateway cannot deploy these routes:\n  ${[...new Set(problems)].join('\n  ')}`);
  }
}
