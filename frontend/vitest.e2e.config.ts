import { defineConfig } from 'vitest/config';

// End-to-end: one browser session against a real server, steps in order, so no parallelism and long timeouts.
export default defineConfig({
  test: {
    include: ['tests/**/*.spec.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 240_000,
    reporters: ['verbose'],
  },
});
