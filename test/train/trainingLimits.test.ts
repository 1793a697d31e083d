import { describe, expect, it } from 'vitest';
import {
  clampSweepRequest,
  clampTrainRequest,
  defaultSweepRequest,
  defaultTrainRequest,
  sweepWidths,
  TRAIN_LIMITS,
  widthsOf,
} from '../../src/train/trainingLimits';

describe('sweepWidths', () => {
  it('is 1 … m + 2 for small m', () => {
    expect(sweepWidths(8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(sweepWidths(2)).toEqual([1, 2, 3, 4]);
  });
  it('is a doubling range holding m − 1, m, m + 2 for larger m, sorted and distinct', () => {
    const w = sweepWidths(40);
    expect(w).toEqual([1, 2, 4, 8, 16, 32, 39, 40, 42, 64, 80]);
    for (const m of [15, 20, 33, 64]) {
      const ws = sweepWidths(m);
      expect(ws).toContain(m);
      expect(ws).toContain(m + 2);
      expect(new Set(ws).size).toBe(ws.length);
      expect([...ws].sort((a, b) => a - b)).toEqual(ws);
      expect(ws.length).toBeLessThanOrEqual(TRAIN_LIMITS.sweepWidths[1]);
    }
  });
});

describe('clampTrainRequest', () => {
  it('keeps valid values and says nothing', () => {
    const { request, notices } = clampTrainRequest({ seeds: 64, steps: 300, optimizer: 'sgd', lr: 0.1, epsilon: 1e-3 });
    expect(request).toEqual({ ...defaultTrainRequest(), seeds: 64, steps: 300, optimizer: 'sgd', learningRate: 0.1, epsilonRatio: 1e-3 });
    expect(notices).toEqual([]);
  });
  it('clamps K, steps and the rate to their bounds with one line each', () => {
    const { request, notices } = clampTrainRequest({ seeds: 1000, steps: -3, lr: 50 });
    expect(request.seeds).toBe(256);
    expect(request.steps).toBe(1);
    expect(request.learningRate).toBe(10);
    expect(notices).toHaveLength(3);
    expect(notices[0]).toMatch(/seeds K: 1000 → 256/);
  });
  it('rounds non-integers, rejects junk and unknown optimisers, keeps the default', () => {
    const { request, notices } = clampTrainRequest({ seeds: 3.6, steps: 'abc', optimizer: 'lbfgs', lr: Number.NaN });
    expect(request.seeds).toBe(4);
    expect(request.steps).toBe(defaultTrainRequest().steps);
    expect(request.optimizer).toBe('adam');
    expect(request.learningRate).toBe(defaultTrainRequest().learningRate);
    expect(notices).toHaveLength(4);
  });
  it('never throws on non-objects', () => {
    expect(clampTrainRequest(null).request).toEqual(defaultTrainRequest());
    expect(clampTrainRequest(42).notices).toEqual([]);
  });
});

describe('clampSweepRequest', () => {
  it('defaults to m = 8, tanh, mse, distinct inputs and the widths 1 … m + 2', () => {
    const { request } = clampSweepRequest({});
    expect(request).toEqual(defaultSweepRequest());
    expect(widthsOf(request)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
  it('clamps, deduplicates and sorts widths, and caps their count', () => {
    const { request, notices } = clampSweepRequest({ widths: [8, 0, 3, 3, 999] });
    expect(request.widths).toEqual([1, 3, 8, 256]);
    expect(notices.join(' ')).toMatch(/width n₁: 0 → 1/);
    expect(notices.join(' ')).toMatch(/width n₁: 999 → 256/);
    const many = clampSweepRequest({ widths: Array.from({ length: 40 }, (_, i) => i + 1) });
    expect(many.request.widths).toHaveLength(TRAIN_LIMITS.sweepWidths[1]);
    expect(many.notices.join(' ')).toMatch(/kept the first/);
  });
  it('clamps m and checks activation and loss names', () => {
    const { request, notices } = clampSweepRequest({ samples: 1000, activation: 'swish', loss: 'bce', duplicated: true });
    expect(request.samples).toBe(64);
    expect(request.activation).toBe('tanh');
    expect(request.loss).toBe('bce');
    expect(request.duplicated).toBe(true);
    expect(notices).toHaveLength(2);
  });
});
