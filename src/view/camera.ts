/** Camera placement as three numbers, so a link or a preset can say where the camera is. */

export interface CameraPose {
  /** Degrees around the vertical axis; 0 looks from +z (the −β side) toward the centre, 90 from +x. */
  readonly azimuth: number;
  /** Degrees above the horizontal plane, −89.9..89.9. */
  readonly elevation: number;
  /** Distance to the orbit target, world units (the α,β square is 2 units wide). */
  readonly distance: number;
}

export type CameraPresetName = 'default' | 'top';

export const CAMERA_PRESETS: Readonly<Record<CameraPresetName, CameraPose>> = {
  default: { azimuth: 35, elevation: 30, distance: 5.6 },
  // Not exactly 90°: OrbitControls loses the azimuth at the pole and the view would spin.
  top: { azimuth: 0, elevation: 89.9, distance: 5.4 },
};

export const MIN_DISTANCE = 1.2;
export const MAX_DISTANCE = 12;
const MAX_ELEVATION = 89.9;

/** A pose with finite numbers in range (NaN fields fall back to the default preset). */
export function clampPose(pose: CameraPose): CameraPose {
  const fallback = CAMERA_PRESETS.default;
  const finite = (v: number, d: number): number => (Number.isFinite(v) ? v : d);
  const azimuth = ((((finite(pose.azimuth, fallback.azimuth) + 180) % 360) + 360) % 360) - 180;
  const elevation = Math.min(MAX_ELEVATION, Math.max(-MAX_ELEVATION, finite(pose.elevation, fallback.elevation)));
  const distance = Math.min(MAX_DISTANCE, Math.max(MIN_DISTANCE, finite(pose.distance, fallback.distance)));
  return { azimuth, elevation, distance };
}

/** Offset of the camera from its target (x, y up, z) for a pose. */
export function poseToOffset(pose: CameraPose): [number, number, number] {
  const az = (pose.azimuth * Math.PI) / 180;
  const el = (pose.elevation * Math.PI) / 180;
  const horizontal = pose.distance * Math.cos(el);
  return [horizontal * Math.sin(az), pose.distance * Math.sin(el), horizontal * Math.cos(az)];
}

/** The pose whose offset from the target is (x, y, z). */
export function offsetToPose(x: number, y: number, z: number): CameraPose {
  const distance = Math.hypot(x, y, z);
  if (!(distance > 0)) return CAMERA_PRESETS.default;
  const elevation = (Math.asin(Math.min(1, Math.max(-1, y / distance))) * 180) / Math.PI;
  const azimuth = (Math.atan2(x, z) * 180) / Math.PI;
  return { azimuth, elevation, distance };
}

/** Vertical field of view (degrees) of the 3-D view at aspect 1 and wider. */
export const BASE_FOV = 38;

/**
 * The vertical field of view for a view of this aspect (width / height): BASE_FOV down to aspect 1;
 * narrower views widen it so the horizontal extent stays that of aspect 1, and the box keeps fitting
 * between the side columns of a small screen or a projector instead of running off both edges.
 */
export function fovForAspect(aspect: number): number {
  if (!(aspect > 0) || aspect >= 1) return BASE_FOV;
  const half = (BASE_FOV / 2) * (Math.PI / 180);
  return 2 * Math.atan(Math.tan(half) / aspect) * (180 / Math.PI);
}

/** A pose at this distance is framed so that the box fills the view; nearer or farther poses zoom in proportion. */
export const FIT_DISTANCE = CAMERA_PRESETS.default.distance;

type Vec3 = readonly [number, number, number];

/** The NDC rectangle (−1..1, y up) that `points` (offsets from the orbit target) cover, seen from `direction` at `distance`. */
export function projectedExtent(
  points: readonly Vec3[],
  direction: Vec3,
  distance: number,
  aspect: number,
  fovDegrees: number,
): { minX: number; maxX: number; minY: number; maxY: number } {
  const [dx, dy, dz] = direction;
  // Screen right is forward × up with forward = −direction and up = +y; straight down, any right will do.
  const horizontal = Math.hypot(dx, dz);
  const rx = horizontal > 1e-9 ? dz / horizontal : 1;
  const rz = horizontal > 1e-9 ? -dx / horizontal : 0;
  // Screen up = right × forward.
  const ux = rz * dy;
  const uy = rx * dz - rz * dx;
  const uz = -rx * dy;
  const tanV = Math.tan((fovDegrees * Math.PI) / 360);
  const tanH = tanV * (aspect > 0 ? aspect : 1);
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const [px, py, pz] of points) {
    const depth = Math.max(1e-6, distance - (px * dx + py * dy + pz * dz));
    const x = (px * rx + pz * rz) / (depth * tanH);
    const y = (px * ux + py * uy + pz * uz) / (depth * tanV);
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  return { minX, maxX, minY, maxY };
}

/**
 * The distance from the orbit target at which `points` (offsets from the target, world units) span
 * `margin` of the view's width or height (1 = edge to edge) and no more, for a camera looking at the
 * target from `direction` (a unit vector toward the camera) with this aspect and vertical FOV. The view
 * is then shifted to centre them (`projectedExtent` gives the centre).
 */
export function fitDistance(points: readonly Vec3[], direction: Vec3, aspect: number, fovDegrees: number, margin: number): number {
  const reach = Math.max(...points.map(([x, y, z]) => Math.hypot(x, y, z)));
  const fits = (d: number): boolean => {
    const e = projectedExtent(points, direction, d, aspect, fovDegrees);
    return e.maxX - e.minX <= 2 * margin && e.maxY - e.minY <= 2 * margin;
  };
  let near = reach * 1.001;
  let far = reach * 200;
  if (fits(near)) return near;
  for (let i = 0; i < 50; i++) {
    const mid = (near + far) / 2;
    if (fits(mid)) far = mid;
    else near = mid;
  }
  return far;
}
