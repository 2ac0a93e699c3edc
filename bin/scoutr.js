#!/usr/bin/env node
// The package's bin (docs: reference/cli): the built command line, run by plain Node with production dependencies.
require('../dist/cli/bin.js');
