import { describe, expect, it } from 'vitest';
import { keyframePath, turntablePath } from '../../src/view/cameraPath';

describe('camera paths', () => {
  it('a turntable turns once at constant speed, keeping elevation and distance', () => {
    const path = turntablePath({ azimuth: 35, elevation: 30, distance: 5.6 });
    expect(path(0)).toEqual({ azimuth: 35, elevation: 30, distance: 5.6 });
    expect(path(0.25).azimuth).toBeCloseTo(125, 9);
    expect(path(0.5).azimuth).toBeCloseTo(-145, 9);
    expect(path(1).azimuth).toBeCloseTo(35, 9);
    expect(path(0.7).elevation).toBe(30);
  });

  it('a keyframe path passes through its keys, the short way round, easing at each key', () => {
    const a = { azimuth: 170, elevation: 10, distance: 2 };
    const b = { azimuth: -170, elevation: 50, distance: 8 };
    const c = { azimuth: -100, elevation: 89.9, distance: 8 };
    const path = keyframePath([a, b, c]);
    expect(path(0)).toEqual(a);
    expect(path(0.5)).toEqual(b);
    expect(path(1)).toEqual(c);
    const mid = path(0.25);
    expect(Math.abs(mid.azimuth)).toBeCloseTo(180, 6); // via ±180, not via 0
    expect(mid.distance).toBeCloseTo(4, 9); // geometric
    expect(mid.elevation).toBeCloseTo(30, 9);
    // Eased: the first step from a key is shorter than a linear one.
    expect(path(0.05).elevation - a.elevation).toBeLessThan((b.elevation - a.elevation) * 0.1);
    expect(keyframePath([a])(0.3)).toEqual(a);
    expect(() => keyframePath([])).toThrow();
  });
});
