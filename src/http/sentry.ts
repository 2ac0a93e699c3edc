import type { Breadcrumb } from '../core/trace';

/** The error reporter the edge uses: Sentry when SENTRY_DSN is set, nothing otherwise. */
export interface Reporter {
  breadcrumb: Breadcrumb;
  /** runs one request in its own scope, so breadcrumbs of one request never reach another's report */
  scoped<T>(requestId: string, run: () => Promise<T>): Promise<T>;
  capture(err: unknown, requestId: string): void;
  /** Lambda freezes the container after the answer: send what is queued first */
  flush(): Promise<void>;
}

export const noReporter: Reporter = {
  breadcrumb: () => {},
  scoped: (_id, run) => run(),
  capture: () => {},
  flush: async () => {},
};

type SentryModule = typeof import('@sentry/node');

/**
 * Loads @sentry/node only when a DSN is configured: a plain require costs ~600 ms of cold start. The default
 * integrations stay off (no HTTP, console or request-data capture), so events carry what we add and nothing else.
 */
export async function createReporter(
  dsn: string | undefined,
  opts: {
    environment?: string;
    transport?: NonNullable<Parameters<SentryModule['init']>[0]>['transport'];
    onUnavailable?: (err: unknown) => void;
  } = {},
): Promise<Reporter> {
  if (!dsn) return noReporter;
  let Sentry: SentryModule;
  try {
    Sentry = await import('@sentry/node');
  } catch (err) {
    // Packaged without SENTRY_DSN, so the bundle has no Sentry: serve anyway, and say why nothing is reported.
    opts.onUnavailable?.(err);
    return noReporter;
  }
  Sentry.init({
    dsn,
    defaultIntegrations: false,
    // Nothing of the request: events carry the error, its request id and our breadcrumbs (names and counts).
    dataCollection: { userInfo: false, cookies: false, httpHeaders: false, httpBodies: [], urlQueryParams: false },
    ...(opts.environment ? { environment: opts.environment } : {}),
    ...(opts.transport ? { transport: opts.transport } : {}),
  });
  return {
    breadcrumb: (category, message, data) =>
      Sentry.addBreadcrumb({ category, message, ...(data ? { data } : {}), level: 'info' }),
    scoped: (requestId, run) =>
      Sentry.withIsolationScope((scope) => {
        scope.setTag('request_id', requestId);
        return run();
      }),
    capture: (err, requestId) => {
      Sentry.captureException(err, { tags: { request_id: requestId } });
    },
    flush: async () => {
      await Sentry.flush(2000);
    },
  };
}
