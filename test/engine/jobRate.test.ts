/** The device's measured rates, time left from progress, and durations as people say them. */
import { describe, expect, it } from 'vitest';
import { formatDuration, gridUnits, ProgressClock, RateBook, trainUnits } from '../../src/engine/jobRate';

describe('RateBook', () => {
  it('keeps a rate per backend kind and kind of work', () => {
    const book = new RateBook();
    expect(book.seconds('webgpu', 'grid', 1000)).toBeNull();
    book.record('webgpu', 'grid', gridUnits(289, 256, 1000), 100);
    book.record('cpu', 'grid', gridUnits(289, 256, 1000), 1000);
    expect(book.rate('webgpu', 'grid')).toBeCloseTo((289 * 256 * 1000) / 0.1, 3);
    expect(book.seconds('webgpu', 'grid', gridUnits(2890, 256, 1000))).toBeCloseTo(1, 6);
    expect(book.seconds('cpu', 'grid', gridUnits(2890, 256, 1000))).toBeCloseTo(10, 6);
    expect(book.rate('webgpu', 'train')).toBeNull();
    book.record('webgpu', 'train', trainUnits(100, 4, 256, 1000), 200);
    expect(book.seconds('webgpu', 'train', trainUnits(1000, 4, 256, 1000))).toBeCloseTo(2, 6);
  });

  it('a short measurement never replaces a longer one; nonsense is ignored', () => {
    const book = new RateBook();
    book.record('cpu', 'grid', 1000, 100);
    book.record('cpu', 'grid', 1, 10);
    expect(book.rate('cpu', 'grid')).toBeCloseTo(10_000, 6);
    book.record('cpu', 'grid', 4000, 200);
    expect(book.rate('cpu', 'grid')).toBeCloseTo(20_000, 6);
    book.record('cpu', 'grid', Number.NaN, 100);
    book.record('cpu', 'grid', 100, 0);
    expect(book.rate('cpu', 'grid')).toBeCloseTo(20_000, 6);
  });
});

describe('ProgressClock', () => {
  it('extrapolates from the rate of the last window, not counting a stall before it; forgets after restart()', () => {
    let now = 0;
    const clock = new ProgressClock(() => now);
    expect(clock.secondsLeft()).toBeNull();
    clock.sample(0.1);
    now = 100;
    clock.sample(0.11);
    // Too little progress measured yet.
    expect(clock.secondsLeft()).toBeNull();
    now = 5100; // a 5 s stall (a kernel compiled on first use)
    clock.sample(0.12);
    expect(clock.secondsLeft()).toBeNull();
    for (let k = 1; k <= 10; k++) {
      now = 5100 + 200 * k;
      clock.sample(0.12 + 0.01 * k);
    }
    // 0.01 per 200 ms over the last window: 0.78 left takes 15.6 s.
    expect(clock.secondsLeft()).toBeCloseTo(15.6, 6);
    expect(clock.measuredS).toBeCloseTo(7.1, 6);
    clock.restart();
    expect(clock.secondsLeft()).toBeNull();
    expect(clock.measuredS).toBe(0);
  });
});

describe('formatDuration', () => {
  it('says durations the way people do', () => {
    expect(formatDuration(0.3)).toBe('under a second');
    expect(formatDuration(12.4)).toBe('about 12 s');
    expect(formatDuration(65)).toBe('about 1 min 10 s');
    expect(formatDuration(120)).toBe('about 2 min');
    expect(formatDuration(418)).toBe('about 7 min');
    expect(formatDuration(3 * 3600 + 20 * 60)).toBe('about 3 h 20 min');
    expect(formatDuration(Number.NaN)).toBe('an unknown time');
  });
});
