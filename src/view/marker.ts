import {
  BufferGeometry,
  Float32BufferAttribute,
  Group,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshStandardMaterial,
  SphereGeometry,
} from 'three';
import { BOX_HEIGHT } from './axes';
import { interpolateGrid } from './heights';
import { disposeTextSprite, makeTextSprite } from './textSprite';

const MARKER_COLOR = 0xff4f6a;
/** How far the marker's line rises above the top of the box, world units. */
const STEM_ABOVE_BOX = 0.14;

/**
 * θ₀ (α = β = 0): a sphere on the surface and a line from it up past the top of the box, so it
 * stays visible over any hill in front of it.
 */
export class CenterMarker {
  readonly group = new Group();
  private readonly sphereGeometry = new SphereGeometry(0.036, 24, 16);
  private readonly sphereMaterial = new MeshStandardMaterial({
    color: MARKER_COLOR,
    emissive: MARKER_COLOR,
    emissiveIntensity: 0.35,
    roughness: 0.5,
  });
  private readonly sphere = new Mesh(this.sphereGeometry, this.sphereMaterial);
  private readonly stemGeometry = new BufferGeometry();
  private readonly stemMaterial = new LineBasicMaterial({ color: MARKER_COLOR });
  private readonly stem = new LineSegments(this.stemGeometry, this.stemMaterial);
  private readonly label = makeTextSprite('θ₀', { color: '#ff8a9b', worldHeight: 0.085, anchorY: 0 });

  constructor() {
    this.stemGeometry.setAttribute('position', new Float32BufferAttribute(new Float32Array(6), 3));
    this.group.add(this.sphere, this.stem, this.label);
  }

  /** Place the marker on a height field (values in [0, 1], index iy*gridSize+ix). */
  update(heights: Float32Array, alphas: Float32Array, betas: Float32Array, visible: boolean): void {
    this.group.visible = visible;
    const height = interpolateGrid(heights, alphas, betas, 0, 0);
    const y = (Number.isFinite(height) ? height : 1) * BOX_HEIGHT;
    this.sphere.position.set(0, y, 0);
    const top = BOX_HEIGHT + STEM_ABOVE_BOX;
    const position = this.stemGeometry.getAttribute('position');
    position.setXYZ(0, 0, y, 0);
    position.setXYZ(1, 0, top, 0);
    position.needsUpdate = true;
    this.stemGeometry.computeBoundingSphere();
    this.label.position.set(0, top + 0.01, 0);
  }

  dispose(): void {
    this.sphereGeometry.dispose();
    this.sphereMaterial.dispose();
    this.stemGeometry.dispose();
    this.stemMaterial.dispose();
    disposeTextSprite(this.label);
  }
}
