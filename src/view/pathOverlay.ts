/**
 * Paths between two minima drawn onto the surface of their plane: the straight segment and the
 * curve as polylines that follow the surface's height (lifted a little so the mesh never hides
 * them), A, B and the bend θ_b as small labelled spheres, and a marker that travels along the
 * curve (`placeTraveller(t)`, used by the animation and usable by a video exporter).
 */
import {
  BufferGeometry,
  Float32BufferAttribute,
  Group,
  Line,
  LineBasicMaterial,
  Mesh,
  MeshStandardMaterial,
  SphereGeometry,
  type Sprite,
} from 'three';
import type { Surface } from '../landscape/surface';
import { BOX_HALF_WIDTH, BOX_HEIGHT } from './axes';
import type { LossScale } from './heights';
import { interpolateGrid } from './heights';
import { disposeTextSprite, makeTextSprite } from './textSprite';

/** A point in the plane's coordinates (units of ‖B − A‖), as the surface's α and β. */
export interface PlaneXY {
  readonly x: number;
  readonly y: number;
}

export interface PathOverlayData {
  readonly line: readonly PlaneXY[];
  readonly curve: readonly PlaneXY[];
  /** Marked points: A, B, the bends. */
  readonly points: readonly { readonly at: PlaneXY; readonly label: string }[];
}

/** World units the polylines float above the surface. */
const LIFT = 0.012;
const LINE_COLOUR = 0xffb454;
const CURVE_COLOUR = 0x5ce1ff;
const POINT_COLOUR = 0xffffff;
const TRAVELLER_COLOUR = 0xff4f6a;

/** World position on a surface's box of plane point p (surface height + lift). */
export function surfacePoint(surface: Surface, unitHeights: Float32Array, p: PlaneXY, lift = LIFT): [number, number, number] {
  const span = surface.span > 0 ? surface.span : 1;
  const h = interpolateGrid(unitHeights, surface.alphas, surface.betas, p.x, p.y);
  return [(p.x / span) * BOX_HALF_WIDTH, (Number.isFinite(h) ? h : 1) * BOX_HEIGHT + lift, -(p.y / span) * BOX_HALF_WIDTH];
}

/** The point a fraction t ∈ [0, 1] of the way along a polyline, by arc length (world units). */
export function pointAlongPolyline(points: readonly (readonly [number, number, number])[], t: number): [number, number, number] {
  const first = points[0];
  if (first === undefined) return [0, 0, 0];
  const lengths = [0];
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1] ?? first;
    const q = points[i] ?? first;
    lengths.push((lengths[i - 1] ?? 0) + Math.hypot(q[0] - p[0], q[1] - p[1], q[2] - p[2]));
  }
  const total = lengths[lengths.length - 1] ?? 0;
  if (!(total > 0)) return [...first];
  const target = Math.min(1, Math.max(0, t)) * total;
  let i = 1;
  while (i < points.length - 1 && (lengths[i] ?? 0) < target) i++;
  const p = points[i - 1] ?? first;
  const q = points[i] ?? first;
  const l0 = lengths[i - 1] ?? 0;
  const f = Math.min(1, Math.max(0, (target - l0) / Math.max(1e-12, (lengths[i] ?? 0) - l0)));
  return [p[0] + (q[0] - p[0]) * f, p[1] + (q[1] - p[1]) * f, p[2] + (q[2] - p[2]) * f];
}

export class PathOverlay {
  readonly group = new Group();
  private readonly lineMaterial = new LineBasicMaterial({ color: LINE_COLOUR, depthTest: true });
  private readonly curveMaterial = new LineBasicMaterial({ color: CURVE_COLOUR, depthTest: true });
  private readonly sphereGeometry = new SphereGeometry(0.026, 18, 12);
  private readonly pointMaterial = new MeshStandardMaterial({ color: POINT_COLOUR, emissive: POINT_COLOUR, emissiveIntensity: 0.3 });
  private readonly travellerMaterial = new MeshStandardMaterial({
    color: TRAVELLER_COLOUR,
    emissive: TRAVELLER_COLOUR,
    emissiveIntensity: 0.5,
  });
  private readonly traveller = new Mesh(new SphereGeometry(0.036, 20, 14), this.travellerMaterial);
  private readonly owned: { geometries: BufferGeometry[]; labels: Sprite[] } = { geometries: [], labels: [] };
  private curveWorld: [number, number, number][] = [];

  constructor() {
    this.traveller.visible = false;
    this.group.visible = false;
  }

  /** Polylines drawn now (2 when shown: line and curve); for tests and the console. */
  get polylineCount(): number {
    return this.group.visible ? this.group.children.filter((c) => c instanceof Line).length : 0;
  }

  /** Draw the paths on `surface` as the view scales it (null data hides everything). */
  update(surface: Surface, scale: LossScale, data: PathOverlayData | null): void {
    this.clear();
    if (data === null) {
      this.group.visible = false;
      return;
    }
    const unit = Float32Array.from(surface.loss, (v) => {
      const u = scale.toUnit(v);
      return Number.isFinite(u) ? Math.min(1, Math.max(0, u)) : 1;
    });
    const polyline = (pts: readonly PlaneXY[], material: LineBasicMaterial): [number, number, number][] => {
      // Densified so the line follows the surface between the path's own points.
      const world: [number, number, number][] = [];
      for (let i = 0; i < pts.length; i++) {
        const p = pts[i];
        const q = pts[i + 1];
        if (p === undefined) continue;
        const steps = q === undefined ? 1 : 4;
        for (let s = 0; s < steps; s++) {
          const f = s / steps;
          world.push(surfacePoint(surface, unit, q === undefined ? p : { x: p.x + (q.x - p.x) * f, y: p.y + (q.y - p.y) * f }));
        }
      }
      const geometry = new BufferGeometry();
      geometry.setAttribute('position', new Float32BufferAttribute(world.flat(), 3));
      this.owned.geometries.push(geometry);
      this.group.add(new Line(geometry, material));
      return world;
    };
    polyline(data.line, this.lineMaterial);
    this.curveWorld = polyline(data.curve, this.curveMaterial);
    for (const { at, label } of data.points) {
      const [x, y, z] = surfacePoint(surface, unit, at, 0.01);
      const sphere = new Mesh(this.sphereGeometry, this.pointMaterial);
      sphere.position.set(x, y, z);
      const sprite = makeTextSprite(label, { color: '#ffffff', fontPx: 13, anchorY: 0, priority: 2 });
      sprite.position.set(x, y + 0.04, z);
      this.owned.labels.push(sprite);
      this.group.add(sphere, sprite);
    }
    this.group.add(this.traveller);
    this.group.visible = true;
  }

  hide(): void {
    this.clear();
    this.group.visible = false;
  }

  /** Put the travelling marker a fraction t along the curve (by arc length on screen); NaN hides it. */
  placeTraveller(t: number): void {
    if (!Number.isFinite(t) || this.curveWorld.length === 0) {
      this.traveller.visible = false;
      return;
    }
    const [x, y, z] = pointAlongPolyline(this.curveWorld, t);
    this.traveller.position.set(x, y + 0.01, z);
    this.traveller.visible = true;
  }

  private clear(): void {
    for (const g of this.owned.geometries) g.dispose();
    for (const s of this.owned.labels) disposeTextSprite(s);
    this.owned.geometries = [];
    this.owned.labels = [];
    this.curveWorld = [];
    this.traveller.visible = false;
    this.group.clear();
  }

  dispose(): void {
    this.clear();
    this.lineMaterial.dispose();
    this.curveMaterial.dispose();
    this.sphereGeometry.dispose();
    this.pointMaterial.dispose();
    this.traveller.geometry.dispose();
    this.travellerMaterial.dispose();
  }
}
