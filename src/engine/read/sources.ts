import type { Page } from '../../dynamo/read';

/**
 * Independent sources (a search's one Query per index value) read at once, at most this many: while one source is
 * answered, the first pages of the next ones are already asked for. Answers keep source order.
 */
export const PARALLEL_SOURCES = 8;

/**
 * The pages of sources `first`..`count - 1`, in source order, each source's pages in its own order. The first page
 * of the next PARALLEL_SOURCES - 1 sources is requested ahead; a source's later pages follow its own LastEvaluatedKey,
 * so they are read one after the other, each once the one before it is used. Stopping early (the page is full)
 * closes every source opened ahead: a request already sent is answered and dropped, and no further one is sent.
 */
export async function* inOrder(
  count: number,
  first: number,
  open: (s: number) => AsyncGenerator<Page>,
): AsyncGenerator<{ s: number; page: Page }> {
  const ahead = new Map<number, { pages: AsyncGenerator<Page>; next: Promise<IteratorResult<Page>> }>();
  const request = (s: number) => {
    if (s >= count || ahead.has(s)) return;
    const pages = open(s);
    const next = pages.next();
    next.catch(() => {}); // a source never reached fails nobody; one that is reached rethrows when awaited
    ahead.set(s, { pages, next });
  };
  try {
    for (let s = first; s < count; s++) {
      for (let t = s; t < s + PARALLEL_SOURCES; t++) request(t);
      const current = ahead.get(s)!;
      for (let r = await current.next; !r.done; r = await current.next) {
        yield { s, page: r.value };
        current.next = current.pages.next();
      }
      ahead.delete(s);
    }
  } finally {
    for (const { pages, next } of ahead.values()) {
      void next.then(() => pages.return(undefined)).catch(() => {});
    }
  }
}
