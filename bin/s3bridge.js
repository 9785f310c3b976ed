#!/usr/bin/env node
// The `s3bridge` executable (package.json "bin": `npx s3bridge`, `npm link`): runs the compiled CLI
// from dist/ (`npm run build`; `npm run cli`, `npm test` and `npm run demo` build first).
'use strict';
const path = require('node:path');

const main = path.join(__dirname, '../dist/src/cli/main.js');
try {
  require.resolve(main);
} catch {
  process.stderr.write(`error: s3bridge is not built (${path.relative(process.cwd(), main)} is missing); run \`npm run build\` in ${path.resolve(__dirname, '..')}\n`);
  process.exit(1);
}
require(main);
