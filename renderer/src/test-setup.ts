import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { takeContractViolations } from './test/fake-bridge';

afterEach(() => {
  cleanup();
  // Local drafts and the language choice must not leak from one test into the next.
  localStorage.clear();
  document.documentElement.lang = 'de';
  // A fake bridge answered what the real main process never could (test/fake-bridge.ts): the test proves nothing.
  const violations = takeContractViolations();
  if (violations.length > 0) throw new Error(violations.join('\n\n'));
});
