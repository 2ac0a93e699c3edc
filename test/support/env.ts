// The SDK warns once per process that releases after January 2027 need Node 22 (docs/reference/package.md#requirements).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// @sentry/node warns, once per test file that initialises it, that it cannot hook jest's module loader. That is a
// fact about jest, not about Scoutr (the Lambda runtime has no such loader), so it stays out of the test output.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith('[Sentry] Failed to register diagnostics-channel')) return;
  warn(...args);
};
