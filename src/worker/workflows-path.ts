import path from 'node:path';

/**
 * The workflow bundle's entry file, beside this module's own tree: `workflows/index.ts` from source
 * (tests, tsx), `dist/workflows/index.js` from the compiled build. Temporal's bundler takes either.
 */
export const WORKFLOWS_PATH = path.resolve(__dirname, '../../workflows', `index${path.extname(__filename)}`);
