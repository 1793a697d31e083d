import { beforeAll, describe, expect, it } from 'vitest';
import { REGRESSION_KINDS, datasetSummary, isRegressionKind, makeDataset } from '../../src/data/generators';
import type { Dataset } from '../../src/data/dataset';
import { outputsFor } from '../../src/data/dataset';
import { DATASETS } from '../../src/state/appState';
import type { DatasetKind } from '../../src/state/appState';
import { LOSSES } from '../../src/model/spec';
import type { LossKind } from '../../src/model/spec';
import { installShippedDigits } from './digitsFile';

// 'digits' reads the shipped file (test/data/digits.test.ts covers it in detail).
beforeAll(() => {
  installShippedDigits();
});

const CLASSIFICATION = DATASETS.filter((k) => !isRegressionKind(k));
const opts = { samples: 200, classes: 3, noise: 0.1, seed: 7 };

function lossesFor(kind: DatasetKind): LossKind[] {
  return isRegressionKind(kind) ? ['mse'] : [...LOSSES];
}

function distinctRowCount(d: Dataset): number {
  const keys = new Set<string>();
  for (let i = 0; i < d.m; i++) keys.add(Array.from(d.x.subarray(i * d.inputs, (i + 1) * d.inputs)).join(','));
  return keys.size;
}

/** Class per sample read from a cross_entropy data set. */
function labelsOf(d: Dataset): number[] {
  return Array.from(d.y);
}

describe('makeDataset', () => {
  it('knows which kinds are regression', () => {
    expect([...REGRESSION_KINDS].sort()).toEqual(['sine', 'uvx']);
  });

  for (const kind of DATASETS) {
    for (const loss of lossesFor(kind)) {
      it(`${kind}/${loss}: shapes, finite values, distinct rows, inputs in range`, () => {
        for (const samples of [1, 2, 3, 4, 5, 17, 200]) {
          for (const noise of [0, 0.1, 0.5]) {
            const d = makeDataset(kind, { ...opts, samples, noise }, loss);
            expect(d.m).toBe(samples);
            expect(d.x.length).toBe(samples * d.inputs);
            expect(d.y.length).toBe(samples * d.targetWidth);
            expect(d.x.every(Number.isFinite)).toBe(true);
            expect(d.y.every(Number.isFinite)).toBe(true);
            expect(distinctRowCount(d)).toBe(samples);
            if (noise <= 0.1) expect(d.x.every((v) => Math.abs(v) < 2)).toBe(true);
            expect(d.inputs).toBe(kind === 'digits' ? 64 : isRegressionKind(kind) ? 1 : 2);
            if (isRegressionKind(kind)) {
              expect(d.classes).toBe(0);
              expect(d.targetWidth).toBe(1);
            }
            if (loss === 'mse') expect(d.targetWidth).toBe(outputsFor(d, loss));
          }
        }
      });
    }

    it(`${kind}: same seed → identical arrays, another seed → different`, () => {
      const loss = lossesFor(kind)[0] ?? 'mse';
      const a = makeDataset(kind, opts, loss);
      const b = makeDataset(kind, { ...opts }, loss);
      const c = makeDataset(kind, { ...opts, seed: 8 }, loss);
      expect(b.x).toEqual(a.x);
      expect(b.y).toEqual(a.y);
      expect(c.x).not.toEqual(a.x);
    });
  }

  it('regression data rejects classification losses with a clear message', () => {
    for (const kind of REGRESSION_KINDS) {
      expect(() => makeDataset(kind, opts, 'cross_entropy')).toThrow(/regression data; use "mse"/);
      expect(() => makeDataset(kind, opts, 'bce')).toThrow(/regression/);
    }
  });

  it('rejects nonsense options', () => {
    expect(() => makeDataset('spiral', { ...opts, samples: 0 }, 'mse')).toThrow(/samples/);
    expect(() => makeDataset('spiral', { ...opts, samples: 2.5 }, 'mse')).toThrow(/samples/);
    expect(() => makeDataset('spiral', { ...opts, noise: -1 }, 'mse')).toThrow(/noise/);
    expect(() => makeDataset('spiral', { ...opts, noise: Number.NaN }, 'mse')).toThrow(/noise/);
  });

  it('classes: spiral clamps to 2..3, blobs to 2..10, the rest have 2', () => {
    const count = (kind: DatasetKind, classes: number): number => makeDataset(kind, { ...opts, classes }, 'cross_entropy').classes;
    expect(count('spiral', 1)).toBe(2);
    expect(count('spiral', 3)).toBe(3);
    expect(count('spiral', 9)).toBe(3);
    expect(count('blobs', 7)).toBe(7);
    expect(count('blobs', 50)).toBe(10);
    for (const kind of ['moons', 'circles', 'xor'] as const) expect(count(kind, 5)).toBe(2);
  });

  it('classes are balanced (sizes differ by at most one) and every label is a valid index', () => {
    for (const kind of CLASSIFICATION) {
      for (const samples of [5, 101, 256]) {
        const d = makeDataset(kind, { ...opts, samples, classes: 3 }, 'cross_entropy');
        const labels = labelsOf(d);
        expect(labels.every((c) => Number.isInteger(c) && c >= 0 && c < d.classes)).toBe(true);
        const counts = Array.from({ length: d.classes }, (_, c) => labels.filter((l) => l === c).length);
        // xor splits over its 4 corners (two per class), so allow a difference of 2 there.
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(kind === 'xor' ? 2 : 1);
      }
    }
  });

  it('encodes targets per loss: index, 0/1 (class 0 vs rest), ±1, one-hot', () => {
    const ce = makeDataset('blobs', { ...opts, classes: 4 }, 'cross_entropy');
    const bce = makeDataset('blobs', { ...opts, classes: 4 }, 'bce');
    const mse = makeDataset('blobs', { ...opts, classes: 4 }, 'mse');
    expect(bce.x).toEqual(ce.x);
    expect(mse.x).toEqual(ce.x);
    expect(ce.targetWidth).toBe(1);
    expect(bce.targetWidth).toBe(1);
    expect(bce.classes).toBe(2);
    expect(mse.targetWidth).toBe(4);
    expect(mse.classes).toBe(4);
    ce.y.forEach((cls, i) => {
      expect(bce.y[i]).toBe(cls === 0 ? 0 : 1);
      const row = Array.from(mse.y.subarray(i * 4, i * 4 + 4));
      expect(row).toEqual([0, 1, 2, 3].map((c) => (c === cls ? 1 : 0)));
    });

    const two = makeDataset('moons', opts, 'cross_entropy');
    const twoMse = makeDataset('moons', opts, 'mse');
    const twoBce = makeDataset('moons', opts, 'bce');
    expect(twoMse.targetWidth).toBe(1);
    two.y.forEach((cls, i) => {
      expect(twoMse.y[i]).toBe(cls === 0 ? -1 : 1);
      expect(twoBce.y[i]).toBe(cls);
    });
  });

  it('xor with m ≤ 4 is the textbook truth table', () => {
    const d = makeDataset('xor', { ...opts, samples: 4, noise: 0.5 }, 'cross_entropy');
    expect(Array.from(d.x)).toEqual([0, 0, 0, 1, 1, 0, 1, 1]);
    expect(Array.from(d.y)).toEqual([0, 1, 1, 0]);
    const mse = makeDataset('xor', { ...opts, samples: 4 }, 'mse');
    expect(Array.from(mse.y)).toEqual([-1, 1, 1, -1]);
  });

  it('xor with m > 4 labels by the sign of x1·x2 (for low noise)', () => {
    const d = makeDataset('xor', { ...opts, samples: 400, noise: 0 }, 'cross_entropy');
    for (let i = 0; i < d.m; i++) {
      const product = (d.x[2 * i] ?? 0) * (d.x[2 * i + 1] ?? 0);
      expect(d.y[i]).toBe(product > 0 ? 0 : 1);
    }
  });

  it('uvx: targets equal inputs exactly, x spread over [−1, 1]; m = 1 is x = 1', () => {
    const d = makeDataset('uvx', { ...opts, samples: 64, noise: 0.3 }, 'mse');
    expect(Array.from(d.y)).toEqual(Array.from(d.x));
    expect(Math.min(...d.x)).toBeLessThan(-0.9);
    expect(Math.max(...d.x)).toBeGreaterThan(0.9);
    expect(d.x.every((v) => Math.abs(v) <= 1)).toBe(true);
    const one = makeDataset('uvx', { ...opts, samples: 1 }, 'mse');
    expect(Array.from(one.x)).toEqual([1]);
    expect(Array.from(one.y)).toEqual([1]);
  });

  it('sine: y = sin(πx/1.5) exactly without noise, x covers [−1.5, 1.5]', () => {
    const d = makeDataset('sine', { ...opts, samples: 100, noise: 0 }, 'mse');
    d.x.forEach((x, i) => expect(d.y[i]).toBeCloseTo(Math.sin((x * Math.PI) / 1.5), 5));
    expect(Math.min(...d.x)).toBeLessThan(-1.4);
    expect(Math.max(...d.x)).toBeGreaterThan(1.4);
    const noisy = makeDataset('sine', { ...opts, samples: 2000, noise: 0.2 }, 'mse');
    let sq = 0;
    noisy.x.forEach((x, i) => (sq += ((noisy.y[i] ?? 0) - Math.sin((x * Math.PI) / 1.5)) ** 2));
    expect(Math.sqrt(sq / noisy.m)).toBeGreaterThan(0.17);
    expect(Math.sqrt(sq / noisy.m)).toBeLessThan(0.23);
  });

  it('rows stay distinct at the largest sample count without noise', () => {
    for (const kind of DATASETS) {
      const d = makeDataset(kind, { ...opts, samples: 20000, noise: 0, classes: 10 }, 'mse');
      expect(d.m).toBe(kind === 'digits' ? 1797 : 20000);
      expect(distinctRowCount(d)).toBe(d.m);
    }
  });
});

describe('datasetSummary', () => {
  it('names the data, sizes and class counts', () => {
    const s = datasetSummary(makeDataset('spiral', { ...opts, samples: 256, classes: 2 }, 'mse'));
    expect(s).toMatch(/^spiral: m=256, 2 inputs, 2 classes \(128\/128\), y 1 wide in \[-1, 1\], x in \[/);
    const oneHot = datasetSummary(makeDataset('blobs', { ...opts, samples: 30, classes: 3 }, 'mse'));
    expect(oneHot).toContain('3 classes (10/10/10)');
    expect(oneHot).toContain('y 3 wide');
    const ce = datasetSummary(makeDataset('blobs', { ...opts, samples: 30, classes: 3 }, 'cross_entropy'));
    expect(ce).toContain('3 classes (10/10/10)');
    expect(datasetSummary(makeDataset('sine', opts, 'mse'))).toContain('regression');
  });
});
