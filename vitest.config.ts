import { defineConfig } from 'vitest/config';

// Unit tests live next to the code (also the tools'); integration and conformance tests under test/.
// Node code and renderer code run in separate projects so that a renderer test can never
// reach Node APIs by accident (architecture §8).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'shared/**/*.test.ts',
            'main/**/*.test.ts',
            'tools/**/*.test.ts',
            'test/integration/**/*.test.ts',
            'test/conformance/**/*.test.ts',
          ],
          // budgets, not measurements (performance is measured by `npm run bench`): CI machines are often
          // loaded, and a test that fails only because the machine was busy tells nobody anything
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/src/**/*.test.{ts,tsx}'],
          setupFiles: ['renderer/src/test-setup.ts'],
          // component tests type into forms with user-event; on a loaded machine that takes far longer than 5 s
          testTimeout: 30_000,
        },
      },
    ],
  },
});
