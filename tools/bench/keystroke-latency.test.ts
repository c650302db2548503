import { describe, expect, it } from 'vitest';
import { keystrokeLatencies } from './keystroke-latency';

const frames = Array.from({ length: 40 }, (_, i) => i * 16);

describe('keystrokeLatencies', () => {
  it('counts from keydown to the first frame after the input event', () => {
    const [l] = keystrokeLatencies({ keys: [{ key: 'x', t0: 100, tInput: 103 }], mutations: [], frames });
    expect(l).toEqual({ key: 'x', handling: 3, frame: 12, settled: 12 });
  });

  it('a slow input handler (React rendering the whole form) pushes the frame out', () => {
    const [l] = keystrokeLatencies({ keys: [{ key: 'x', t0: 100, tInput: 130 }], mutations: [], frames });
    expect(l!.handling).toBe(30);
    expect(l!.frame).toBe(44);
  });

  it('settled waits for the last mutation the key caused within the window, not for later ones', () => {
    const trace = {
      keys: [
        { key: 'x', t0: 100, tInput: 101 },
        { key: 'y', t0: 300, tInput: 301 },
      ],
      mutations: [101, 150, 250, 302],
      frames,
    };
    const [x, y] = keystrokeLatencies(trace, 100);
    expect(x).toEqual({ key: 'x', handling: 1, frame: 12, settled: 60 });
    expect(y).toEqual({ key: 'y', handling: 1, frame: 4, settled: 4 });
  });

  it('a key without input event counts from its keydown; a key past the last frame is left out', () => {
    const latencies = keystrokeLatencies({
      keys: [
        { key: 'Shift', t0: 20, tInput: null },
        { key: 'x', t0: 1000, tInput: 1001 },
      ],
      mutations: [],
      frames,
    });
    expect(latencies).toEqual([{ key: 'Shift', handling: 0, frame: 12, settled: 12 }]);
  });
});
