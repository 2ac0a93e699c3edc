#!/usr/bin/env node
// The package's bin (SPEC.md §12). The sources are TypeScript, run through tsx as `npm start` runs them; the same
// loader lets `scoutr policy validate policy.ts` and `check --policy policy.ts` load TypeScript policy modules.
// The SDK's once-per-process Node 20 notice is the README's to give, not every command's.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
require('../src/cli/bin.ts');
