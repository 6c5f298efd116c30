#!/usr/bin/env node
// `npm run bench`: runs bench/run.ts through ts-node (transpile only: nothing to build first).
// The workers it forks register ts-node the same way, through the environment set here.
const path = require('path');

process.env.TS_NODE_PROJECT = path.join(__dirname, '..', 'tsconfig.test.json');
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
// Prefer lib/*.ts over stale compiled lib/*.js left by `npm run build`.
process.env.TS_NODE_PREFER_TS_EXTS = 'true';
require('ts-node/register');
require('./run.ts').main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
