/**
 * The plane through A, θ_b and B with Garipov et al.'s basis: u = (B − A)/‖B − A‖, v = the part
 * of θ_b − A orthogonal to u, normalised. Plane coordinates are in units of ‖B − A‖, so A lands
 * at (0, 0), B at (1, 0) and θ_b at (⟨θ_b − A, u⟩, ‖(θ_b − A)⊥‖)/‖B − A‖. The result is a
 * GridRequest plane: center A, directionX = ‖B − A‖·u, directionY = ‖B − A‖·v, so grid
 * coordinates (α, β) are plane coordinates.
 */
import type { GridRequest, GridSamples } from '../gpu/lossGrid.types';
import { Rng } from '../model/rng';
import type { MlpSpec } from '../model/spec';
import type { Path } from './paths';

export const DEFAULT_PLANE_MARGIN = 0.2;

export interface PlanePoint {
  /** Plane coordinates in units of ‖B − A‖. */
  readonly x: number;
  readonly y: number;
  /** Distance from the plane, in units of ‖B − A‖ (0 for A, B and the first bend). */
  readonly offPlane: number;
}

export interface CurvePlane {
  readonly center: Float32Array;
  readonly directionX: Float32Array;
  readonly directionY: Float32Array;
  /** ‖B − A‖, the unit of the plane coordinates. */
  readonly scale: number;
  readonly gridSize: number;
  readonly alphaStart: number;
  readonly alphaStep: number;
  readonly betaStart: number;
  readonly betaStep: number;
  readonly a: PlanePoint;
  readonly b: PlanePoint;
  /** Every bend of the path (the first defines the plane); empty for a line. */
  readonly bends: readonly PlanePoint[];
  /** True when v had to be chosen (θ_b on the line through A and B, or no bend): a fixed seeded direction ⊥ u. */
  readonly vChosen: boolean;
}

export interface CurvePlaneOptions {
  /** Points per side (default 31). */
  readonly gridSize?: number;
  /** Margin around the box of A, B and the bends on every side, in units of ‖B − A‖ (default 0.2). */
  readonly margin?: number;
  /** Seed of the fallback direction v when the first bend lies on the line (default 0). */
  readonly seed?: number;
}

function dot(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] ?? 0) * (y[i] ?? 0);
  return s;
}

/** The plane of a path: through its endpoints and its first bend (a line gets a seeded v). */
export function curvePlane(path: Path, opts: CurvePlaneOptions = {}): CurvePlane {
  const { a, b } = path;
  const P = a.length;
  const gridSize = opts.gridSize ?? 31;
  const margin = opts.margin ?? DEFAULT_PLANE_MARGIN;
  if (!Number.isInteger(gridSize) || gridSize < 2) throw new Error(`grid size must be an integer ≥ 2, got ${gridSize}`);
  if (!Number.isFinite(margin) || margin < 0) throw new Error(`margin must be finite and ≥ 0, got ${margin}`);
  const d = Float64Array.from(b, (v, i) => v - (a[i] ?? 0));
  const scale = Math.sqrt(dot(d, d));
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error('A and B must be distinct finite points to define a plane');
  const u = d.map((v) => v / scale);
  const first = path.bends[0];
  let v = new Float64Array(P);
  let vChosen = false;
  if (first) {
    v = Float64Array.from(first, (x, i) => x - (a[i] ?? 0));
    const along = dot(v, u);
    for (let i = 0; i < P; i++) v[i] = (v[i] ?? 0) - along * (u[i] ?? 0);
  }
  let vn = Math.sqrt(dot(v, v));
  if (!(vn > 1e-7 * scale)) {
    // No usable bend direction: a seeded random direction, made orthogonal to u.
    vChosen = true;
    const rng = new Rng(opts.seed ?? 0);
    v = Float64Array.from({ length: P }, () => rng.normal());
    const along = dot(v, u);
    for (let i = 0; i < P; i++) v[i] = (v[i] ?? 0) - along * (u[i] ?? 0);
    vn = Math.sqrt(dot(v, v));
    if (!(vn > 0)) throw new Error('a plane needs at least two parameters');
  }
  for (let i = 0; i < P; i++) v[i] = (v[i] ?? 0) / vn;
  const project = (theta: ArrayLike<number>): PlanePoint => {
    const w = Float64Array.from({ length: P }, (_, i) => (theta[i] ?? 0) - (a[i] ?? 0));
    const x = dot(w, u);
    const y = dot(w, v);
    const rest = Math.max(0, dot(w, w) - x * x - y * y);
    return { x: x / scale, y: y / scale, offPlane: Math.sqrt(rest) / scale };
  };
  const pa: PlanePoint = { x: 0, y: 0, offPlane: 0 };
  const pb: PlanePoint = { x: 1, y: 0, offPlane: 0 };
  const bends = path.bends.map(project);
  const xs = [0, 1, ...bends.map((p) => p.x)];
  const ys = [0, ...bends.map((p) => p.y)];
  const xMin = Math.min(...xs) - margin;
  const xMax = Math.max(...xs) + margin;
  const yMin = Math.min(...ys) - margin;
  const yMax = Math.max(...ys) + margin;
  return {
    center: Float32Array.from(a),
    directionX: Float32Array.from(u, (x) => x * scale),
    directionY: Float32Array.from(v, (x) => x * scale),
    scale,
    gridSize,
    alphaStart: xMin,
    alphaStep: (xMax - xMin) / (gridSize - 1),
    betaStart: yMin,
    betaStep: (yMax - yMin) / (gridSize - 1),
    a: pa,
    b: pb,
    bends,
    vChosen,
  };
}

/** Plane coordinates (and off-plane distance) of any parameter vector, in units of ‖B − A‖. */
export function planeCoordinates(plane: CurvePlane, theta: ArrayLike<number>): PlanePoint {
  const s2 = plane.scale * plane.scale;
  let x = 0;
  let y = 0;
  let w2 = 0;
  for (let i = 0; i < plane.center.length; i++) {
    const w = (theta[i] ?? 0) - (plane.center[i] ?? 0);
    x += w * (plane.directionX[i] ?? 0);
    y += w * (plane.directionY[i] ?? 0);
    w2 += w * w;
  }
  x /= s2;
  y /= s2;
  return { x, y, offPlane: Math.sqrt(Math.max(0, w2 / s2 - x * x - y * y)) };
}

/** The plane as a request for LossGridKernel / lossGridCpu (index iy·gridSize + ix). */
export function planeGridRequest(plane: CurvePlane, spec: MlpSpec, samples: GridSamples): GridRequest {
  return {
    spec,
    samples,
    center: plane.center,
    directionX: plane.directionX,
    directionY: plane.directionY,
    gridSize: plane.gridSize,
    alphaStart: plane.alphaStart,
    alphaStep: plane.alphaStep,
    betaStart: plane.betaStart,
    betaStep: plane.betaStep,
  };
}

/** Plane coordinates of a path at the given t: the polyline to draw onto the surface. */
export function pathInPlane(plane: CurvePlane, points: readonly ArrayLike<number>[]): PlanePoint[] {
  return points.map((p) => planeCoordinates(plane, p));
}
