// ts-jest only transpiles (type-checking is `npm run typecheck`), to CommonJS for jest's module system.
const transform = {
  '^.+\\.ts$': [
    'ts-jest',
    {
      tsconfig: { module: 'commonjs', moduleResolution: 'node10', isolatedModules: true },
      diagnostics: false,
    },
  ],
  // jose ships only ES modules; jest's CommonJS module system needs them transpiled (Node 20 has no require(esm) in
  // jest). Its files are plain JavaScript, so ts-jest only rewrites the imports.
  '^.+/node_modules/jose/.+\\.js$': [
    'ts-jest',
    {
      tsconfig: { module: 'commonjs', moduleResolution: 'node10', isolatedModules: true, allowJs: true },
      diagnostics: false,
    },
  ],
};
const transformIgnorePatterns = ['/node_modules/(?!jose/)'];
// jest 30 "soft"-deletes a test file's globals when the file ends and wraps each property in a setter that recurses
// forever on the next write (jestjs/jest#16044): one late write crashes the whole worker with "Maximum call stack size
// exceeded" at Reflect.set, failing whichever suites it was running. The late writer here is @sentry/node: its
// async-context hooks are process-wide, so once a file initialises Sentry they keep touching that file's carrier
// (`__SENTRY__['11.12.0']`) from every later file in the same worker. "off" keeps the objects (the default before
// jest 30); the suites that start Sentry close every client they make (test/unit/http/sentry.test.ts).
// The examples and tests import the package by its name, as a user's project does (tsconfig.json "paths").
const moduleNameMapper = { '^scoutr$': '<rootDir>/src/index.ts', '^scoutr/testing$': '<rootDir>/src/testing.ts' };
const testEnvironmentOptions = { globalsCleanup: 'off' };

/** @type {import('jest').Config} */
module.exports = {
  // Integration tests wait on DynamoDB Local, which is slow on a loaded 2-core machine; unit tests never wait.
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      // test/docs/*.test.ts: the docs' links, anchors and references checked against the code, without a database.
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/docs/*.test.ts'],
      transform,
      transformIgnorePatterns,
      testEnvironment: 'node',
      testEnvironmentOptions,
      moduleNameMapper,
      setupFiles: ['<rootDir>/test/support/env.ts'],
    },
    {
      displayName: 'integration',
      // test/security: one file per OWASP API Security Top 10 (2023) item, through HTTP like the integration tests.
      // test/browser: the console's page in a real headless Chromium (test/support/browser.ts).
      // test/docs/run: the docs' command blocks replayed, and their Mermaid diagrams parsed in that Chromium.
      testMatch: [
        '<rootDir>/test/docs/run/**/*.test.ts',
        '<rootDir>/test/integration/**/*.test.ts',
        '<rootDir>/test/security/**/*.test.ts',
        '<rootDir>/test/browser/**/*.test.ts',
      ],
      transform,
      transformIgnorePatterns,
      testEnvironment: 'node',
      testEnvironmentOptions,
      moduleNameMapper,
      setupFiles: ['<rootDir>/test/support/env.ts'],
      // One DynamoDB Local for the whole run; every suite creates its own tables, so suites run in parallel.
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
  ],
};
