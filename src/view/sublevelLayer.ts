import {
  BufferGeometry,
  DoubleSide,
  EdgesGeometry,
  Float32BufferAttribute,
  Group,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  PlaneGeometry,
} from 'three';
import { contourSegments } from '../landscape/contours';
import { BOX_HALF_WIDTH, BOX_HEIGHT } from './axes';
import { componentColor } from './palette';
import { toLinear } from './linearColor';

const WATER_COLOR = 0x5fb8ff;
const CONTOUR_LIFT = 0.004;

/**
 * What the 3-D view adds for sublevel sets: a translucent plane at the water level and isolines
 * lying on the surface. The region below the level is shaded by the surface material itself
 * (waterMaterial.ts).
 */
export class SublevelLayer {
  readonly group = new Group();
  private readonly planeGeometry = new PlaneGeometry(2 * BOX_HALF_WIDTH, 2 * BOX_HALF_WIDTH);
  private readonly planeMaterial = new MeshBasicMaterial({
    color: WATER_COLOR,
    transparent: true,
    opacity: 0.13,
    depthWrite: false,
    side: DoubleSide,
  });
  private readonly plane = new Mesh(this.planeGeometry, this.planeMaterial);
  private readonly rimGeometry = new EdgesGeometry(this.planeGeometry);
  private readonly rimMaterial = new LineBasicMaterial({ color: WATER_COLOR, transparent: true, opacity: 0.75 });
  private readonly rim = new LineSegments(this.rimGeometry, this.rimMaterial);
  private readonly contourGeometry = new BufferGeometry();
  private readonly contourMaterial = new LineBasicMaterial({ color: 0x0a0c10, transparent: true, opacity: 0.6 });
  private readonly contours = new LineSegments(this.contourGeometry, this.contourMaterial);

  constructor() {
    this.plane.rotation.x = -Math.PI / 2;
    this.rim.rotation.x = -Math.PI / 2;
    this.plane.renderOrder = 2;
    this.contourGeometry.setAttribute('position', new Float32BufferAttribute(new Float32Array(0), 3));
    this.group.add(this.plane, this.rim, this.contours);
  }

  /** The water plane at unit height `unit` (clamped into the box), or hidden. */
  setWater(visible: boolean, unit: number): void {
    this.plane.visible = visible;
    this.rim.visible = visible;
    const y = (Number.isFinite(unit) ? Math.min(1, Math.max(0, unit)) : 1) * BOX_HEIGHT;
    this.plane.position.y = y;
    this.rim.position.y = y;
  }

  /**
   * Isolines of `loss` (index iy*gridSize+ix) at `levels`, lying on the mesh whose vertex heights
   * (unit, 0..1) are `heights`, lifted a little so the surface does not hide them. Without `frame`
   * the grid is gridSize² and fills the box; with it, rows = betas.length and each point sits at
   * its α, β (as the mesh's vertices do).
   */
  setContours(loss: Float32Array, heights: Float32Array, gridSize: number, levels: readonly number[], frame?: GridFrame): void {
    const rows = frame?.betas.length ?? gridSize;
    const parts: Float32Array[] = [];
    let total = 0;
    for (const level of levels) {
      const segments = contourSegments(loss, gridSize, rows, level);
      parts.push(segments);
      total += segments.length / 2;
    }
    const positions = new Float32Array(total * 3);
    let k = 0;
    for (const segments of parts) {
      for (let i = 0; i + 1 < segments.length; i += 2) {
        const gx = segments[i] ?? 0;
        const gy = segments[i + 1] ?? 0;
        const [x, z] = gridToBox(gx, gy, gridSize, rows, frame);
        positions[k++] = x;
        positions[k++] = gridHeight(heights, gridSize, gx, gy, rows) * BOX_HEIGHT + CONTOUR_LIFT;
        positions[k++] = z;
      }
    }
    this.contourGeometry.setAttribute('position', new Float32BufferAttribute(positions, 3));
    this.contourGeometry.computeBoundingSphere();
    this.contours.visible = total > 0;
  }

  dispose(): void {
    this.planeGeometry.dispose();
    this.planeMaterial.dispose();
    this.rimGeometry.dispose();
    this.rimMaterial.dispose();
    this.contourGeometry.dispose();
    this.contourMaterial.dispose();
  }
}

/** Coordinates and box half width of a grid whose points sit at their α, β (see SurfaceView). */
export interface GridFrame {
  readonly alphas: ArrayLike<number>;
  readonly betas: ArrayLike<number>;
  readonly span: number;
}

/**
 * Box x and z of fractional grid coordinates: from the α, β of `frame` (linear between grid
 * lines), or, without a frame, a gridSize² grid filling the box.
 */
export function gridToBox(gx: number, gy: number, gridSize: number, rows: number, frame?: GridFrame): [number, number] {
  if (frame === undefined) {
    const step = gridSize > 1 ? (2 * BOX_HALF_WIDTH) / (gridSize - 1) : 0;
    return [-BOX_HALF_WIDTH + gx * step, BOX_HALF_WIDTH - gy * step];
  }
  const span = frame.span > 0 ? frame.span : 1;
  const along = (coords: ArrayLike<number>, g: number, n: number): number => {
    const i = Math.min(n - 2, Math.max(0, Math.floor(g)));
    if (n < 2) return coords[0] ?? 0;
    const f = g - i;
    return (coords[i] ?? 0) * (1 - f) + (coords[i + 1] ?? 0) * f;
  };
  return [(along(frame.alphas, gx, gridSize) / span) * BOX_HALF_WIDTH, -(along(frame.betas, gy, rows) / span) * BOX_HALF_WIDTH];
}

/** Bilinear height at fractional grid coordinates (on a cell edge this is the mesh's own line). */
export function gridHeight(heights: Float32Array, gridSize: number, gx: number, gy: number, rows = gridSize): number {
  const ix = Math.min(gridSize - 2, Math.max(0, Math.floor(gx)));
  const iy = Math.min(rows - 2, Math.max(0, Math.floor(gy)));
  if (gridSize < 2 || rows < 2) return heights[0] ?? 0;
  const fx = Math.min(1, Math.max(0, gx - ix));
  const fy = Math.min(1, Math.max(0, gy - iy));
  const at = (x: number, y: number): number => heights[y * gridSize + x] ?? 1;
  const low = at(ix, iy) * (1 - fx) + at(ix + 1, iy) * fx;
  const high = at(ix, iy + 1) * (1 - fx) + at(ix + 1, iy + 1) * fx;
  return low * (1 - fy) + high * fy;
}

/**
 * Per-vertex linear RGB of each vertex's component (`labels[i]` ≥ 0, coloured by
 * `componentColor(elder[label])`). A vertex outside the set takes the colour of a neighbour that
 * is inside, so a triangle on the shore is one colour up to the shore line the shader draws.
 */
export function componentVertexColors(labels: Int32Array, elder: Int32Array, gridSize: number, out: Float32Array, rows = gridSize): void {
  const cache = new Map<number, readonly [number, number, number]>();
  const colourOf = (label: number): readonly [number, number, number] => {
    const id = elder[label] ?? label;
    let c = cache.get(id);
    if (c === undefined) {
      c = toLinear(componentColor(id < 0 ? label : id));
      cache.set(id, c);
    }
    return c;
  };
  for (let iy = 0; iy < rows; iy++) {
    for (let ix = 0; ix < gridSize; ix++) {
      const i = iy * gridSize + ix;
      let label = labels[i] ?? -1;
      if (label < 0) {
        if (ix > 0 && (labels[i - 1] ?? -1) >= 0) label = labels[i - 1] ?? -1;
        else if (ix + 1 < gridSize && (labels[i + 1] ?? -1) >= 0) label = labels[i + 1] ?? -1;
        else if (iy > 0 && (labels[i - gridSize] ?? -1) >= 0) label = labels[i - gridSize] ?? -1;
        else if (iy + 1 < rows && (labels[i + gridSize] ?? -1) >= 0) label = labels[i + gridSize] ?? -1;
      }
      const c = label >= 0 ? colourOf(label) : ([0, 0, 0] as const);
      out[3 * i] = c[0];
      out[3 * i + 1] = c[1];
      out[3 * i + 2] = c[2];
    }
  }
}
