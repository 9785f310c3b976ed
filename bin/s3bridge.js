#!/usr/bin/env node
// The `s3bridge` executable (package.json "bin": `npx s3bridge`, `npm link`): runs the TypeScript
// CLI through tsx's CommonJS loader, so there is no build step.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
require('../src/cli/main.ts');
