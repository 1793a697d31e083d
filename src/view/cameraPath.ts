/**
 * Camera paths for videos: a pose for every t in [0, 1]. A turntable turns once around the box; a
 * keyframe path flies through given poses (eased, the short way round in azimuth). The same keyframe
 * mechanism carries travel along a mode-connectivity curve once curves exist (a marker moving over
 * the path's (α, β) points, the camera following).
 */
import { clampPose, type CameraPose } from './camera';

export type CameraPath = (t: number) => CameraPose;

/** One full turn (or `turns`) around the vertical axis from `start`, at constant speed. */
export function turntablePath(start: CameraPose, turns = 1): CameraPath {
  return (t) => clampPose({ ...start, azimuth: start.azimuth + 360 * turns * clamp01(t) });
}

/**
 * Through `keys` at evenly spaced times, eased in and out at each key. Azimuth takes the shorter way
 * round; distance moves geometrically (zooming feels even). One key holds still.
 */
export function keyframePath(keys: readonly CameraPose[]): CameraPath {
  if (keys.length === 0) throw new RangeError('a camera path needs at least one pose');
  const poses = keys.map(clampPose);
  return (t) => {
    const segments = poses.length - 1;
    if (segments === 0) return poses[0] ?? clampPose(keys[0] ?? { azimuth: 0, elevation: 0, distance: 1 });
    const x = clamp01(t) * segments;
    const i = Math.min(segments - 1, Math.floor(x));
    const a = poses[i];
    const b = poses[i + 1];
    if (a === undefined || b === undefined) throw new RangeError('camera path index out of range');
    const f = smoothstep(x - i);
    const turn = ((((b.azimuth - a.azimuth + 180) % 360) + 360) % 360) - 180;
    return clampPose({
      azimuth: a.azimuth + turn * f,
      elevation: a.elevation + (b.elevation - a.elevation) * f,
      distance: a.distance * (b.distance / a.distance) ** f,
    });
  };
}

function smoothstep(f: number): number {
  return f * f * (3 - 2 * f);
}

function clamp01(t: number): number {
  return Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
}
