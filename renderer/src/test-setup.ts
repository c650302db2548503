import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import { takeContractViolations } from './test/fake-bridge';

// Component tests type key by key through the whole React tree and its live checks. On a busy shared machine
// (2 cores, other jobs running) one such test can take longer than vitest's default 5 s, and a state change longer
// than Testing Library's default 1 s: they get 30 s and 5 s. A test that works waits no longer.
vi.setConfig({ testTimeout: 30_000 });
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  cleanup();
  // Local drafts and the language choice must not leak from one test into the next.
  localStorage.clear();
  document.documentElement.lang = 'de';
  // A fake bridge answered what the real main process never could (test/fake-bridge.ts): the test proves nothing.
  const violations = takeContractViolations();
  if (violations.length > 0) throw new Error(violations.join('\n\n'));
});
