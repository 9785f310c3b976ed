import { defineConfig } from 'vitest/config';

/**
 * The docs' checks alone, without services (`npm run docs:check`, seconds): links and anchors,
 * the generated references, the example inputs. `npm test` runs them too, with everything else.
 */
export default defineConfig({
  test: {
    include: ['test/docs/**/*.test.ts', 'test/workflow-safe/inputs/workflow-input-schemas.test.ts'],
  },
});
