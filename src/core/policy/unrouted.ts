import { JS, NFA, Transformers, transform } from 'refa';
import { endpointGrant } from '../permissions/roles';
import type { Route } from '../routes';
import { expandEndpoint } from './records';
import { ENDPOINT_SHORTHAND, type PolicyEndpoint } from './schema';
import type { PolicyIssue } from './validate';

// `scoutr policy validate --app MODULE` (docs/reference/policy-file.md#validation): a permitted endpoint that can match no route of the app (a
// `GET /items` left over in a books app) permits nothing. Whether a rule's regex and a route's paths share a path is
// decided exactly, on finite automata (refa): the intersection of the two languages is empty or not.

type Nfa = ReturnType<typeof NFA.fromRegex>;

/** The regex as the server compiles it (`^(?:endpoint)$`, u flag), as an automaton; undefined if refa cannot. */
function automaton(source: string): Nfa | undefined {
  try {
    const { expression, maxCharacter } = JS.Parser.fromLiteral({ source, flags: 'u' }).parse({
      assertions: 'parse',
      backreferences: 'throw',
    });
    // ^ and $ (and lookarounds refa can inline) are resolved; what remains cannot be decided and gives no warning.
    const simple = transform(Transformers.simplify({ ignoreAmbiguity: true, ignoreOrder: true }), expression);
    const edges = transform(Transformers.patternEdgeAssertions({ remove: true }), simple);
    return NFA.fromRegex(edges, { maxCharacter }, { assertions: 'throw' }, undefined);
  } catch {
    return undefined;
  }
}

// Only syntax characters may be escaped under the u flag (`\-` is an error there).
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A route template's canonical paths: each `{param}` one non-empty segment. */
const routeSource = (path: string) =>
  `^${path
    .split('/')
    .map((part) => (/^\{[^}]+\}$/.test(part) ? '[^/]+' : escapeRegex(part)))
    .join('/')}$`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isRule = (v: unknown) => isObject(v) && typeof v.method === 'string' && typeof v.endpoint === 'string';

/**
 * A warning for each permitted endpoint of the document's records and groups that matches no route of the app: no
 * route of its method (any, for `*`) has a path its regex accepts. Rules that are errors (a bad regex or method)
 * are validate's, and rules refa cannot decide (some lookarounds) are given the benefit of the doubt.
 */
export function unroutedEndpoints(input: unknown, routes: readonly Route[]): PolicyIssue[] {
  const byRoute = new Map<string, Nfa | undefined>();
  const routeAutomaton = (path: string) => {
    if (!byRoute.has(path)) byRoute.set(path, automaton(routeSource(path)));
    return byRoute.get(path);
  };
  const warnings: PolicyIssue[] = [];
  const doc = isObject(input) ? input : {};
  for (const kind of ['groups', 'records'] as const) {
    const sets = isObject(doc[kind]) ? doc[kind] : {};
    for (const [id, set] of Object.entries(sets)) {
      const rules = isObject(set) && Array.isArray(set.permitted_endpoints) ? set.permitted_endpoints : [];
      for (const [i, raw] of rules.entries()) {
        if (!(typeof raw === 'string' && ENDPOINT_SHORTHAND.test(raw)) && !isRule(raw)) continue;
        const rule = expandEndpoint(raw as PolicyEndpoint);
        try {
          endpointGrant(rule, id); // an invalid method or regex is validate's error, not a warning
        } catch {
          continue;
        }
        const method = rule.method.toUpperCase();
        const candidates = routes.filter((r) => method === '*' || r.method === method);
        const nfa = automaton(`^(?:${rule.endpoint})$`);
        if (!nfa) continue;
        const reaches = candidates.some((r) => {
          const other = routeAutomaton(r.path);
          return other === undefined || !NFA.fromIntersection(nfa, other).isEmpty;
        });
        if (!reaches) {
          warnings.push({
            path: [kind, id, 'permitted_endpoints', i],
            message: `${method} ${rule.endpoint} matches no route of the app, so it permits nothing`,
          });
        }
      }
    }
  }
  return warnings;
}
