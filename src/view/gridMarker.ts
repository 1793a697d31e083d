import {
  BufferGeometry,
  Float32BufferAttribute,
  Group,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshStandardMaterial,
  SphereGeometry,
  type Sprite,
} from 'three';
import { BOX_HEIGHT } from './axes';
import { disposeTextSprite, makeTextSprite } from './textSprite';

export interface GridMarkerOptions {
  /** Colour as 0xRRGGBB. */
  readonly color: number;
  /** Sphere radius, world units; 0.03 if absent. */
  readonly radius?: number;
  /** Sphere tessellation; [20, 14] if absent. */
  readonly sphereSegments?: readonly [widthSegments: number, heightSegments: number];
  /** How much the sphere glows in its own colour (three.js emissiveIntensity); 0.4 if absent. */
  readonly emissiveIntensity?: number;
  /** Text drawn beside the sphere; none if absent. */
  readonly label?: string;
  /** CSS colour of the label; the marker's colour if absent. */
  readonly labelColor?: string;
  /** Size of the label's text, CSS pixels; 14 if absent. */
  readonly labelPx?: number;
  /** How far the stem rises above the top of the box (world units); 0 = no stem. */
  readonly stemAbove?: number;
}

/**
 * A point on the surface (θ₀, a minimum, the hovered grid point): a sphere where it lies and a
 * thin line up past the top of the box, so it stays findable behind hills. Hidden until placed.
 */
export class GridMarker {
  readonly group = new Group();
  private readonly sphereGeometry: SphereGeometry;
  private readonly sphereMaterial: MeshStandardMaterial;
  private readonly stemGeometry = new BufferGeometry();
  private readonly stemMaterial: LineBasicMaterial;
  private readonly label: Sprite | null;
  private readonly stemAbove: number;

  constructor(options: GridMarkerOptions) {
    const [widthSegments, heightSegments] = options.sphereSegments ?? [20, 14];
    this.sphereGeometry = new SphereGeometry(options.radius ?? 0.03, widthSegments, heightSegments);
    this.sphereMaterial = new MeshStandardMaterial({
      color: options.color,
      emissive: options.color,
      emissiveIntensity: options.emissiveIntensity ?? 0.4,
      roughness: 0.5,
    });
    this.stemMaterial = new LineBasicMaterial({ color: options.color });
    this.stemGeometry.setAttribute('position', new Float32BufferAttribute(new Float32Array(6), 3));
    this.stemAbove = options.stemAbove ?? 0.1;
    this.group.add(new Mesh(this.sphereGeometry, this.sphereMaterial));
    const stem = new LineSegments(this.stemGeometry, this.stemMaterial);
    stem.visible = this.stemAbove > 0;
    this.group.add(stem);
    const labelColor = options.labelColor ?? `#${options.color.toString(16).padStart(6, '0')}`;
    this.label =
      options.label === undefined
        ? null
        : // Just right of the sphere, so the label names the point itself, not the top of its stem.
          makeTextSprite(options.label, { color: labelColor, fontPx: options.labelPx ?? 14, anchorX: -0.12, anchorY: 0.35, priority: 2 });
    if (this.label) this.group.add(this.label);
    this.group.visible = false;
  }

  /** Put the marker at world (x, z) on the surface at height y; hide it when `visible` is false. */
  place(x: number, y: number, z: number, visible = true): void {
    this.group.visible = visible;
    if (!visible) return;
    const sphere = this.group.children[0];
    sphere?.position.set(x, y, z);
    const top = BOX_HEIGHT + this.stemAbove;
    const position = this.stemGeometry.getAttribute('position');
    position.setXYZ(0, x, y, z);
    position.setXYZ(1, x, Math.max(top, y), z);
    position.needsUpdate = true;
    this.stemGeometry.computeBoundingSphere();
    this.label?.position.set(x, y, z);
  }

  hide(): void {
    this.group.visible = false;
  }

  dispose(): void {
    this.sphereGeometry.dispose();
    this.sphereMaterial.dispose();
    this.stemGeometry.dispose();
    this.stemMaterial.dispose();
    if (this.label) disposeTextSprite(this.label);
  }
}
