// The console's answers (docs/how-to/use-the-console.md), one module per view, as ui/ has one component per view.
// Every decision is the server's own: the caller's roles from engine/authorize.ts, decide() (what `scoutr check`
// prints), the list action's steps and planner, the policy file's validation and plan, the audit and history reads.
// Nothing here is a rule; it arranges their answers. shared.ts holds what several views use.
export { auditLog } from './audit';
export { history } from './history';
export { identities } from './identities';
export { openapi } from './openapi';
export { policy } from './policy';
export { seeAs } from './see-as';
export { type ConsoleContext, ConsoleInputError, meta } from './shared';
export { who } from './who';
export { why } from './why';
