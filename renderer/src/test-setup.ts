import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
  // Local drafts and the language choice must not leak from one test into the next.
  localStorage.clear();
  document.documentElement.lang = 'de';
});
