import { describe, expect, it } from 'vitest';
import { BASE_FOV, CAMERA_PRESETS, clampPose, fovForAspect, offsetToPose, poseToOffset } from '../../src/view/camera';

describe('camera pose', () => {
  it('round-trips through an offset', () => {
    for (const pose of [CAMERA_PRESETS.default, CAMERA_PRESETS.top, { azimuth: -120, elevation: -30, distance: 2 }]) {
      const [x, y, z] = poseToOffset(pose);
      const back = offsetToPose(x, y, z);
      expect(back.azimuth).toBeCloseTo(pose.azimuth, 6);
      expect(back.elevation).toBeCloseTo(pose.elevation, 6);
      expect(back.distance).toBeCloseTo(pose.distance, 9);
    }
  });

  it('looks from +z at azimuth 0 and from +x at azimuth 90', () => {
    const front = poseToOffset({ azimuth: 0, elevation: 0, distance: 3 });
    expect(front[2]).toBeCloseTo(3, 9);
    expect(poseToOffset({ azimuth: 90, elevation: 0, distance: 3 })[0]).toBeCloseTo(3, 9);
  });

  it('clamps and repairs poses from links', () => {
    expect(clampPose({ azimuth: 370, elevation: 120, distance: 1000 })).toEqual({
      azimuth: 10,
      elevation: 89.9,
      distance: 12,
    });
    expect(clampPose({ azimuth: NaN, elevation: NaN, distance: NaN })).toEqual(CAMERA_PRESETS.default);
  });
});

describe('field of view for narrow views', () => {
  it('keeps the base fov at aspect ≥ 1 and keeps the horizontal extent of aspect 1 below it', () => {
    expect(fovForAspect(1)).toBe(BASE_FOV);
    expect(fovForAspect(1.8)).toBe(BASE_FOV);
    expect(fovForAspect(Number.NaN)).toBe(BASE_FOV);
    for (const aspect of [0.4, 0.68, 0.87, 0.99]) {
      const fov = fovForAspect(aspect);
      expect(fov).toBeGreaterThan(BASE_FOV);
      // horizontal half-angle tan = aspect · tan(vertical half-angle): equal to that of aspect 1.
      const tanHalf = (deg: number): number => Math.tan((deg / 2) * (Math.PI / 180));
      expect(aspect * tanHalf(fov)).toBeCloseTo(tanHalf(BASE_FOV), 12);
    }
  });
});
