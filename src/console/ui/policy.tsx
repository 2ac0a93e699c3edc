import { type Json, param, show } from './api';
import { ErrorBox, Loading, Section, useApi } from './common';

interface Issue {
  file: string;
  line?: number;
  col?: number;
  path: string;
  message: string;
}
interface Change {
  action: 'create' | 'update' | 'delete';
  kind: string;
  id: string;
  /** field → its value before and after; an absent side is left out */
  fields: Record<string, { before?: Json; after?: Json }>;
}
interface PolicyAnswer {
  file: string | null;
  valid: boolean;
  issues: Issue[];
  text: string | null;
  prune?: boolean;
  plan: {
    changes: Change[];
    undeclared: { kind: string; id: string }[];
    summary: { create: number; update: number; delete: number };
  } | null;
}

const SIGN = { create: '+', update: '~', delete: '-' } as const;
const formatIssue = (i: Issue) =>
  `${i.file}${i.line === undefined ? '' : `:${i.line}:${i.col}`}: ${i.path ? `${i.path}: ` : ''}${i.message}`;

function summaryOf(plan: NonNullable<PolicyAnswer['plan']>) {
  const s = plan.summary;
  if (plan.changes.length === 0) return 'No changes: the tables match the policy.';
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete.`;
}

export function PolicyView() {
  const prune = param('prune') === 'true';
  const { data, error, loading } = useApi<PolicyAnswer>('policy', { prune: prune ? 'true' : undefined });
  return (
    <>
      <h1>Policy</h1>
      <p>
        The policy file validated as <code>scoutr policy validate</code> does, and its plan against the tables as{' '}
        <code>scoutr policy plan</code> prints it. Applying stays in the command line.
      </p>
      <form method="get" action="/policy" class="inline">
        <label class="check">
          <input type="checkbox" name="prune" value="true" defaultChecked={prune} /> --prune (also delete what the file
          does not declare)
        </label>
        <button type="submit">Plan</button>
      </form>
      {loading && <Loading />}
      {error && <ErrorBox error={error} />}
      {data && data.file === null && <p>No policy file: start the console with --policy FILE.</p>}
      {data && data.file !== null && (
        <>
          <p data-testid="validity" class={data.valid ? 'yes' : 'no'}>
            {data.file}: {data.valid ? 'valid' : `${data.issues.length} error${data.issues.length === 1 ? '' : 's'}`}
          </p>
          {data.issues.length > 0 && (
            <ul data-testid="issues" class="issues">
              {data.issues.map((i) => (
                <li key={formatIssue(i)}>
                  {i.line !== undefined ? <a href={`#line-${i.line}`}>{formatIssue(i)}</a> : formatIssue(i)}
                </li>
              ))}
            </ul>
          )}
          {data.plan && (
            <Section title="Plan" id="plan">
              <pre class="diff" data-testid="plan">
                {data.plan.changes.map((c) => (
                  <span key={`${c.kind} ${c.id}`} class={`diff-${c.action}`}>
                    {`${SIGN[c.action]} ${c.kind} ${c.id}\n`}
                    {c.action === 'update' &&
                      Object.entries(c.fields).map(
                        ([field, f]) =>
                          `    ${field}: ${f.before === undefined ? '(absent)' : show(f.before)} → ${f.after === undefined ? '(absent)' : show(f.after)}\n`,
                      )}
                  </span>
                ))}
                {data.plan.undeclared.length > 0 &&
                  `${data.plan.undeclared.length} in the tables but not in the file, kept (--prune deletes them): ${data.plan.undeclared.map((u) => `${u.kind} ${u.id}`).join(', ')}\n`}
                <strong data-testid="summary">{summaryOf(data.plan)}</strong>
              </pre>
            </Section>
          )}
          {data.text !== null && <FileText text={data.text} issues={data.issues} />}
        </>
      )}
    </>
  );
}

function FileText({ text, issues }: { text: string; issues: Issue[] }) {
  const marked = new Map<number, string[]>();
  for (const i of issues) if (i.line !== undefined) marked.set(i.line, [...(marked.get(i.line) ?? []), i.message]);
  return (
    <Section title="The file" id="file">
      <ol class="source" data-testid="source">
        {text.split('\n').map((line, n) => {
          const messages = marked.get(n + 1);
          return (
            <li key={n} id={`line-${n + 1}`} class={messages ? 'marked' : undefined} title={messages?.join('; ')}>
              <code>{line || ' '}</code>
              {messages && <span class="issue"> ← {messages.join('; ')}</span>}
            </li>
          );
        })}
      </ol>
    </Section>
  );
}
