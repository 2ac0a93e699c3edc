// Sentry is compiled into the bundles only when SENTRY_DSN is set while packaging (the same variable becomes the
// functions' SENTRY_DSN). Otherwise @sentry/node is left out entirely: the code imports it lazily and only with a
// DSN, so a bundle without it never loads it (a plain require of it costs ~600 ms of cold start).
module.exports = () => (process.env.SENTRY_DSN ? [] : ['@sentry/node']);
