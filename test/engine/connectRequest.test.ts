import { describe, expect, it } from 'vitest';
import { clampConnectRequest, curveGridFrame, DEFAULT_CONNECT } from '../../src/engine/connectRequest';
import { gridCoordinates } from '../../src/landscape/surface';

describe('clampConnectRequest', () => {
  it('gives the defaults for no options', () => {
    expect(clampConnectRequest(undefined)).toEqual({ request: DEFAULT_CONNECT, notices: [] });
    expect(clampConnectRequest({}).request.points).toBe(61);
  });
  it('takes ids and vectors as endpoints', () => {
    const { request, notices } = clampConnectRequest({ a: 3, b: [1, 2, 3], kind: 'neb', images: 12 });
    expect(request.a).toBe(3);
    expect(request.b).toEqual(Float32Array.from([1, 2, 3]));
    expect(request.kind).toBe('neb');
    expect(request.images).toBe(12);
    expect(notices).toEqual([]);
  });
  it('clamps bad values and says which', () => {
    const { request, notices } = clampConnectRequest({ kind: 'spline', bends: 9, steps: -4, a: 'x', lr: 'fast' });
    expect(request.kind).toBe('bezier');
    expect(request.bends).toBe(1);
    expect(request.steps).toBe(1);
    expect(request.a).toBeNull();
    expect(request.learningRate).toBe(DEFAULT_CONNECT.learningRate);
    expect(notices.length).toBe(4);
    expect(clampConnectRequest({ kind: 'chain', bends: 9 }).request.bends).toBe(3);
    expect(clampConnectRequest('nope').notices.length).toBe(1);
  });
});

describe('curveGridFrame', () => {
  it('puts grid points exactly on A = 0 and B = 1 and covers the extent', () => {
    for (const [extent, size] of [
      [1.2, 17],
      [1.2, 31],
      [1.05, 21],
      [1.45, 40],
    ] as const) {
      const { gridSize, span } = curveGridFrame(extent, size);
      expect(gridSize % 2).toBe(1);
      expect(span).toBeGreaterThanOrEqual(extent);
      const coords = gridCoordinates(gridSize, span);
      expect(coords.some((v) => Math.abs(v) < 1e-6)).toBe(true);
      expect(coords.some((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
    }
  });
  it('falls back to covering the extent when the grid is too coarse for a step of 1/q', () => {
    const { gridSize, span } = curveGridFrame(5, 5);
    expect(gridSize).toBe(5);
    expect(span).toBe(5);
  });
});
