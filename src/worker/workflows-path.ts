import path from 'node:path';

/** The workflow bundle's entry file; Temporal's bundler compiles the TypeScript itself. */
export const WORKFLOWS_PATH = path.resolve(__dirname, '../../workflows/index.ts');
