/**
 * What the browser benchmarks measure inside the page, with performance.now() (docs/performance.md).
 * tools/ is type-checked without the DOM library (like main/), so the page side is plain JavaScript in strings:
 * `PROBE_SCRIPT` is installed with `page.addInitScript` (it runs before the app's own scripts on every navigation,
 * through CDP, so the page's CSP does not apply) and defines `window.__erxBench`; `probeCall` builds the
 * expressions the benchmarks evaluate. All times are the page's `performance.now()` unless named `abs…` (ms since
 * the epoch).
 *
 * - `coldStarted()`: resolves when `scan-input` became document.activeElement (autofocus), with the navigation
 *   timing (`coldStartTimes()`: the same, or null before).
 * - `arm(trigger, condition)`: starts a measurement; `t0` = the trigger event in a capturing listener (keydown of a
 *   key, a click on a test id, an input event on a test id), `tCondition` = the first DOM mutation after which the
 *   condition holds (checked once per mutation batch, i.e. right after React's commit), `tFrame` = the first
 *   animation frame after that. `settle(id)` resolves with the three.
 * - `typing`: per keystroke `t0` (keydown, capturing), `tInput` (input event, bubbling at window — after React's
 *   own listener and its synchronous commit), the DOM mutations below a root and a continuous rAF loop's frame
 *   times; tools/bench/keystroke-latency.ts turns them into latencies.
 */

/** A DOM condition the page checks after each mutation batch (no code strings: the page's CSP forbids eval). */
export type PageCondition =
  | { kind: 'present'; selector: string }
  | { kind: 'absent'; selector: string }
  /** the element matching `selector` has exactly `count` element children */
  | { kind: 'children'; selector: string; count: number }
  /** the element matching `selector` has this text (trimmed) */
  | { kind: 'text'; selector: string; text: string }
  | { kind: 'all'; conditions: PageCondition[] };

export type PageTrigger =
  /** `code` is the physical key (the app's shortcuts match on it, docs/qa-contract.md "Keyboard") */
  | { type: 'keydown'; key?: string; code?: string }
  | { type: 'click'; testId: string }
  | { type: 'input'; testId: string };

export interface ArmedTimes {
  t0: number;
  tCondition: number;
  tFrame: number;
}

export interface ColdStartTimes {
  /** performance.now() when scan-input had the focus */
  focusedAt: number;
  /** performance.timeOrigin + focusedAt */
  absFocusedAt: number;
  /** performance.timeOrigin: the navigation's start */
  absTimeOrigin: number;
  responseEnd: number;
  domContentLoaded: number;
}

export interface TypingRecord {
  key: string;
  t0: number;
  tInput: number | null;
}

export interface TypingTrace {
  keys: TypingRecord[];
  mutations: number[];
  frames: number[];
}

export const PROBE_SCRIPT = String.raw`
(() => {
  if (window.__erxBench) return;
  const now = () => performance.now();
  const coldStart = { focusedAt: null, waiters: [] };
  const checkFocus = () => {
    if (coldStart.focusedAt !== null || !document) return;
    const el = document.activeElement;
    if (!el || !el.getAttribute || el.getAttribute('data-testid') !== 'scan-input') return;
    coldStart.focusedAt = now();
    for (const resolve of coldStart.waiters.splice(0)) resolve(coldStartTimes());
  };
  document.addEventListener('focusin', checkFocus, true);
  new MutationObserver(checkFocus).observe(document, { childList: true, subtree: true });

  const holds = (c) => {
    if (c.kind === 'present') return document.querySelector(c.selector) !== null;
    if (c.kind === 'absent') return document.querySelector(c.selector) === null;
    if (c.kind === 'children') {
      const el = document.querySelector(c.selector);
      return el !== null && el.childElementCount === c.count;
    }
    if (c.kind === 'text') {
      const el = document.querySelector(c.selector);
      return el !== null && (el.textContent || '').trim() === c.text;
    }
    return c.conditions.every(holds);
  };
  const testIdOf = (target) => (target && target.closest ? target.closest('[data-testid]') : null);
  let nextId = 1;
  const measurements = new Map();

  const arm = (trigger, condition) => {
    const id = nextId++;
    const m = { t0: null, tCondition: null, tFrame: null, done: null };
    m.promise = new Promise((resolve) => (m.done = resolve));
    measurements.set(id, m);
    const observer = new MutationObserver(() => {
      if (m.t0 === null || m.tCondition !== null || !holds(condition)) return;
      m.tCondition = now();
      observer.disconnect();
      requestAnimationFrame(() => {
        m.tFrame = now();
        m.done({ t0: m.t0, tCondition: m.tCondition, tFrame: m.tFrame });
      });
    });
    const onTrigger = (e) => {
      if (m.t0 !== null) return;
      if (trigger.type === 'keydown' && trigger.key !== undefined && e.key !== trigger.key) return;
      if (trigger.type === 'keydown' && trigger.code !== undefined && e.code !== trigger.code) return;
      if (trigger.type !== 'keydown') {
        const el = testIdOf(e.target);
        if (!el || el.getAttribute('data-testid') !== trigger.testId) return;
      }
      m.t0 = now();
      window.removeEventListener(trigger.type, onTrigger, true);
      observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
    };
    window.addEventListener(trigger.type, onTrigger, true);
    return id;
  };
  const settle = (id) => {
    const m = measurements.get(id);
    if (!m) return Promise.reject(new Error('unknown measurement ' + id));
    return m.promise.then((times) => {
      measurements.delete(id);
      return times;
    });
  };

  let typing = null;
  const startTyping = (rootSelector) => {
    const root = document.querySelector(rootSelector);
    if (!root) throw new Error('typing root missing: ' + rootSelector);
    const trace = { keys: [], mutations: [], frames: [] };
    const onKey = (e) => trace.keys.push({ key: e.key, t0: now(), tInput: null });
    const onInput = () => {
      const last = trace.keys[trace.keys.length - 1];
      if (last && last.tInput === null) last.tInput = now();
    };
    const observer = new MutationObserver(() => trace.mutations.push(now()));
    observer.observe(root, { childList: true, subtree: true, attributes: true, characterData: true });
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('input', onInput, false);
    let running = true;
    const frame = () => {
      if (!running) return;
      trace.frames.push(now());
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    typing = () => {
      running = false;
      observer.disconnect();
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('input', onInput, false);
      return trace;
    };
  };
  const stopTyping = () => {
    if (!typing) throw new Error('typing not started');
    const stop = typing;
    typing = null;
    return stop();
  };

  const coldStartTimes = () => {
    if (coldStart.focusedAt === null) return null;
    const nav = typeof performance.getEntriesByType === 'function' ? performance.getEntriesByType('navigation')[0] : undefined;
    return {
      focusedAt: coldStart.focusedAt,
      absFocusedAt: performance.timeOrigin + coldStart.focusedAt,
      absTimeOrigin: performance.timeOrigin,
      responseEnd: nav ? nav.responseEnd : -1,
      domContentLoaded: nav ? nav.domContentLoadedEventEnd : -1,
    };
  };

  const coldStarted = () =>
    coldStart.focusedAt !== null ? Promise.resolve(coldStartTimes()) : new Promise((resolve) => coldStart.waiters.push(resolve));

  window.__erxBench = { arm, settle, startTyping, stopTyping, coldStartTimes, coldStarted };
})();
`;

/** An expression calling `window.__erxBench.<method>(…args)`; arguments travel as JSON. */
export function probeCall(
  method: 'arm' | 'settle' | 'startTyping' | 'stopTyping' | 'coldStartTimes' | 'coldStarted',
  ...args: unknown[]
): string {
  return `window.__erxBench.${method}(${args.map((a) => JSON.stringify(a)).join(', ')})`;
}

/** `[data-testid="…"]` with the value quoted for CSS. */
export const byTestId = (testId: string): string => `[data-testid=${JSON.stringify(testId)}]`;
