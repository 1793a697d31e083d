import { describe, expect, it } from 'vitest';
import { pointAlongPolyline } from '../../src/view/pathOverlay';

describe('pointAlongPolyline', () => {
  const pts: [number, number, number][] = [
    [0, 0, 0],
    [1, 0, 0],
    [1, 3, 0],
  ];
  it('walks by arc length and stays on the ends outside [0, 1]', () => {
    expect(pointAlongPolyline(pts, 0)).toEqual([0, 0, 0]);
    expect(pointAlongPolyline(pts, 1)).toEqual([1, 3, 0]);
    expect(pointAlongPolyline(pts, 0.25)).toEqual([1, 0, 0]);
    const mid = pointAlongPolyline(pts, 0.5);
    expect(mid[0]).toBeCloseTo(1, 12);
    expect(mid[1]).toBeCloseTo(1, 12);
    expect(pointAlongPolyline(pts, -3)).toEqual([0, 0, 0]);
    expect(pointAlongPolyline(pts, 7)).toEqual([1, 3, 0]);
  });
  it('handles an empty or degenerate polyline', () => {
    expect(pointAlongPolyline([], 0.5)).toEqual([0, 0, 0]);
    expect(
      pointAlongPolyline(
        [
          [2, 2, 2],
          [2, 2, 2],
        ],
        0.5,
      ),
    ).toEqual([2, 2, 2]);
  });
});
