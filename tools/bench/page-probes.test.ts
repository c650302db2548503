// The page probe runs in a jsdom window here (the node project has no DOM): what it reports must follow the
// events the benchmarks rely on — trigger, condition after a mutation, next frame; keys with their input events.
import { describe, expect, it } from 'vitest';
import {
  byTestId,
  probeCall,
  PROBE_SCRIPT,
  type ArmedTimes,
  type ColdStartTimes,
  type TypingTrace,
} from './page-probes';

interface ProbeElement {
  setAttribute(name: string, value: string): void;
  appendChild(child: ProbeElement): ProbeElement;
  focus(): void;
  dispatchEvent(event: unknown): boolean;
}
interface ProbeWindow {
  eval(code: string): unknown;
  document: { body: ProbeElement; createElement(tag: string): ProbeElement };
  KeyboardEvent: new (type: string, init: { key: string; bubbles: boolean }) => unknown;
  Event: new (type: string, init: { bubbles: boolean }) => unknown;
  requestAnimationFrame(callback: () => void): number;
  close(): void;
}

async function probedWindow(): Promise<ProbeWindow> {
  // jsdom has no type declarations here; the slice the test needs is ProbeWindow
  const moduleName = 'jsdom';
  const jsdom = (await import(moduleName)) as {
    JSDOM: new (html: string, options: object) => { window: ProbeWindow };
  };
  const dom = new jsdom.JSDOM('<!doctype html><html><body></body></html>', {
    runScripts: 'outside-only',
    pretendToBeVisual: true,
  });
  dom.window.eval(PROBE_SCRIPT);
  return dom.window;
}

const element = (w: ProbeWindow, tag: string, testId: string): ProbeElement => {
  const el = w.document.createElement(tag);
  el.setAttribute('data-testid', testId);
  return el;
};

describe('the page probe', () => {
  it('times a keydown until the condition holds after a mutation, then the next frame', async () => {
    const w = await probedWindow();
    const id = w.eval(
      probeCall(
        'arm',
        { type: 'keydown', key: 'Enter' },
        { kind: 'present', selector: byTestId('case-view') },
      ),
    );
    w.document.body.dispatchEvent(new w.KeyboardEvent('keydown', { key: 'x', bubbles: true }));
    w.document.body.dispatchEvent(new w.KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    const settled = w.eval(probeCall('settle', id)) as Promise<ArmedTimes>;
    await new Promise((resolve) => setTimeout(resolve, 5));
    w.document.body.appendChild(element(w, 'article', 'case-view'));
    const times = await settled;
    expect(times.tCondition).toBeGreaterThanOrEqual(times.t0);
    expect(times.tFrame).toBeGreaterThanOrEqual(times.tCondition);
    // the element came 5 ms after the Enter: the wait is in the figure
    expect(times.tCondition - times.t0).toBeGreaterThanOrEqual(4);
    w.close();
  });

  it('takes a click only on the element with the test id (or inside it)', async () => {
    const w = await probedWindow();
    const button = element(w, 'button', 'submit-dispense');
    const other = element(w, 'button', 'close-case');
    w.document.body.appendChild(button);
    w.document.body.appendChild(other);
    const id = w.eval(
      probeCall(
        'arm',
        { type: 'click', testId: 'submit-dispense' },
        { kind: 'present', selector: byTestId('dispense-confirmation') },
      ),
    );
    const settled = w.eval(probeCall('settle', id)) as Promise<ArmedTimes>;
    other.dispatchEvent(new w.Event('click', { bubbles: true }));
    // a mutation before the right click does not count
    w.document.body.appendChild(element(w, 'p', 'dispense-confirmation'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    let done = false;
    void settled.then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(done).toBe(false);
    button.dispatchEvent(new w.Event('click', { bubbles: true }));
    w.document.body.appendChild(element(w, 'span', 'anything'));
    const times = await settled;
    expect(times.tFrame).toBeGreaterThanOrEqual(times.t0);
    w.close();
  });

  it('checks counts and texts', async () => {
    const w = await probedWindow();
    const id = w.eval(
      probeCall(
        'arm',
        { type: 'keydown', code: 'KeyV' },
        {
          kind: 'all',
          conditions: [
            { kind: 'text', selector: byTestId('inbox-count'), text: '2 Vorgänge' },
            { kind: 'children', selector: 'tbody', count: 2 },
          ],
        },
      ),
    );
    const settled = w.eval(probeCall('settle', id)) as Promise<ArmedTimes>;
    w.eval(`window.dispatchEvent(new KeyboardEvent('keydown', { key: 'v', code: 'KeyV' }))`);
    w.eval(
      `document.body.innerHTML = '<p data-testid="inbox-count">2 Vorgänge</p><table><tbody><tr></tr></tbody></table>'`,
    );
    let done = false;
    void settled.then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(done).toBe(false);
    w.eval(`document.querySelector('tbody').appendChild(document.createElement('tr'))`);
    await settled;
    w.close();
  });

  it('reports when scan-input got the focus', async () => {
    const w = await probedWindow();
    expect(w.eval(probeCall('coldStartTimes'))).toBeNull();
    const started = w.eval(probeCall('coldStarted')) as Promise<ColdStartTimes>;
    const input = element(w, 'input', 'scan-input');
    w.document.body.appendChild(input);
    input.focus();
    const times = await started;
    expect(times.focusedAt).toBeGreaterThan(0);
    expect(times.absFocusedAt - times.absTimeOrigin).toBeCloseTo(times.focusedAt, 3);
    w.close();
  });

  it('traces keys with their input events, mutations and frames', async () => {
    const w = await probedWindow();
    const input = element(w, 'input', 'batch');
    w.document.body.appendChild(input);
    w.eval(probeCall('startTyping', 'body'));
    input.dispatchEvent(new w.KeyboardEvent('keydown', { key: 'x', bubbles: true }));
    input.dispatchEvent(new w.Event('input', { bubbles: true }));
    w.document.body.appendChild(element(w, 'p', 'finding'));
    input.dispatchEvent(new w.KeyboardEvent('keydown', { key: 'Shift', bubbles: true }));
    // three frames of the window's own clock, not a fixed sleep: a loaded machine may draw only one in 60 ms
    for (let i = 0; i < 3; i++) await new Promise((resolve) => w.requestAnimationFrame(() => resolve(undefined)));
    const trace = w.eval(probeCall('stopTyping')) as TypingTrace;
    expect(trace.keys.map((k) => k.key)).toEqual(['x', 'Shift']);
    expect(trace.keys[0]!.tInput).not.toBeNull();
    expect(trace.keys[1]!.tInput).toBeNull();
    expect(trace.mutations.length).toBeGreaterThan(0);
    expect(trace.frames.length).toBeGreaterThan(1);
    expect(() => w.eval(probeCall('stopTyping'))).toThrow();
    w.close();
  });
});
