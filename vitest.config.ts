import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{protocol,main,renderer,sync-server,test}/**/*.test.{ts,tsx}'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start brokers and agents on free ports; two cores run them best one file at a time.
    fileParallelism: false,
  },
});
