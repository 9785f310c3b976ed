import { defineConfig } from 'vitest/config';

/** `npm run histories:record`: rewrites test/histories/*.json from the current workflow code (same setup as vitest.config.ts). */
export default defineConfig({
  test: {
    include: ['test/histories/*.histories.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
