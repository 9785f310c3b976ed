import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starts Temporal and MinIO once per run (reusing running ones) and bundles the workflows once.
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Each file runs its own in-process worker; two at a time suits a 2-core machine.
    maxWorkers: 2,
    // Workers hold native handles (Temporal core, DuckDB); a fresh process per file keeps them apart.
    isolate: true,
    // The worker-crash cases run at once (each mostly waits out a 30 s heartbeat timeout): all six together.
    maxConcurrency: 6,
  },
});
