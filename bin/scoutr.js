#!/usr/bin/env node
// The package's bin (docs: reference/cli): the built command line, run by plain Node with production dependencies.
// The SDK's once-per-process Node 20 notice is the docs' to give, not every command's.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('../dist/cli/bin.js');
