import { defineApp, ScoutrError } from 'scoutr';

// Articles (Balrog's demo, docs/tutorials/articles.md): anonymous visitors read, users read and comment, authors also post. The
// roles are example/articles/policy.ts, in code and tested role by role (test/unit/examples/articles-policy.test.ts).

const MAX_COMMENT = 2_000;
const text = (max: number) => (value: unknown) =>
  typeof value === 'string' && value.trim().length > 0 && value.length <= max;
const isComments = (list: unknown) => Array.isArray(list) && list.every(isComment);
const isComment = (c: unknown) =>
  typeof c === 'object' &&
  c !== null &&
  !Array.isArray(c) &&
  Object.keys(c).sort().join() === 'by,text' &&
  text(200)((c as { by: unknown }).by) &&
  text(MAX_COMMENT)((c as { text: unknown }).text);

/** The comment action's body: `{"text": "..."}` and nothing else. */
function commentText(body: unknown): string {
  const fail = (reason: string) => new ScoutrError('INVALID_BODY', reason, { details: { field: 'text' } });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw fail('body must be {"text": "..."}');
  const extra = Object.keys(body).filter((k) => k !== 'text');
  if (extra.length > 0) throw fail(`unknown field ${extra[0]}: the body is {"text": "..."}`);
  const value = (body as { text?: unknown }).text;
  if (!text(MAX_COMMENT)(value)) throw fail(`text: a non-empty string of at most ${MAX_COMMENT} characters`);
  return value as string;
}

export default defineApp({
  routes: { items: 'articles', item: 'article' },
  generateId: true,
  requiredFields: ['title', 'body'],
  fieldValidation: {
    title: (value) => ({ result: text(200)(value), message: 'title: a non-empty string of at most 200 characters' }),
    body: (value) => ({ result: text(20_000)(value), message: 'body: a non-empty string of at most 20000 characters' }),
  },
  // Comments are written by the comment action only, under the commenter's id: a new article has none, and no
  // change may leave them other than a list of {by, text}.
  createCondition: (_none, article) => !('comments' in article),
  updateCondition: (_stored, changes) => !('comments' in changes) || isComments(changes.comments),
  conditionFailureMessage: 'comments are added with POST /article/{id}/comment, as {by, text}',
  customActions: {
    // Appends {by, text} to the stored comments. The change is computed from the item each attempt read and written
    // on that version, so concurrent comments all land; it runs under the update rules of the roles permitting it.
    COMMENT: {
      method: 'POST',
      path: '/article/{id}/comment',
      run: async (ops, req) => {
        const said = commentText(ops.body());
        const by = req.caller.id;
        if (by === undefined) throw new ScoutrError('UNAUTHENTICATED', 'Sign in to comment');
        return ops.update(req.pathParams.id, (article) => ({
          comments: [...(Array.isArray(article.comments) ? article.comments : []), { by, text: said }],
        }));
      },
    },
  },
  table: { name: 'articles', key: 'id' },
  // A request without an identity is an anonymous visitor, who may read (policy.ts).
  anonymousRole: 'anonymous',
});
