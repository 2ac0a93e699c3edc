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

/** @type {import('jest').Config} */
module.exports = {
  // Integration tests wait on DynamoDB Local, which is slow on a loaded 2-core machine; unit tests never wait.
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
      testEnvironment: 'node',
      setupFiles: ['<rootDir>/test/support/env.ts'],
    },
    {
      displayName: 'integration',
      // test/security: one file per OWASP API Security Top 10 (2023) item, through HTTP like the integration tests.
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/security/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
      testEnvironment: 'node',
      setupFiles: ['<rootDir>/test/support/env.ts'],
      // One DynamoDB Local for the whole run; every suite creates its own tables, so suites run in parallel.
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
  ],
};
