import { BufferGeometry, Float32BufferAttribute, Group, LineBasicMaterial, LineSegments } from 'three';
import type { Material, Sprite } from 'three';
import type { LossScale } from './heights';
import { disposeTextSprite, makeTextSprite } from './textSprite';
import { formatTick, lossTicks, niceTicks } from './ticks';

/** The α,β square spans [−1, 1] in x and z; the loss box is [0, BOX_HEIGHT] in y. */
export const BOX_HALF_WIDTH = 1;
export const BOX_HEIGHT = 1;

const TICK_LENGTH = 0.05;
const LABEL_GAP = 0.1;
const AXIS_COLOR = 0x8d96a8;
const GRID_COLOR = 0x3a4150;
const TITLE_COLOR = '#eef1f6';
/** Labels kept off screen for later updates (each a small canvas texture). */
const SPARE_LABELS = 64;

/**
 * Box floor, grid and labelled α, β and loss axes. Built in local frames that `orient` moves to
 * the box edges nearest the camera, so labels are never behind the surface.
 */
export class Axes {
  readonly group = new Group();
  private readonly floor = new Group();
  private readonly alphaAxis = new Group();
  private readonly betaAxis = new Group();
  private readonly lossAxis = new Group();
  private readonly sprites: Sprite[] = [];
  /**
   * Labels not on screen by text and style (at most SPARE_LABELS, the most recently used), reused by later
   * updates: a new surface level seldom changes the ticks, a training's previews come back to the same ones,
   * and drawing and uploading a label's texture is most of an update's cost.
   */
  private spareLabels = new Map<string, Sprite>();
  private lossTitle: Sprite | null = null;
  private labelsPointRight = false;
  private readonly lossLabels: Sprite[] = [];
  private readonly geometries: BufferGeometry[] = [];
  /** Titles of the two plane axes: α, β for a plane through θ₀; the weights themselves where the plane is the whole weight space (u, v for u·v·x). */
  private names: readonly [string, string] = ['α', 'β'];
  private readonly lineMaterial = new LineBasicMaterial({ color: AXIS_COLOR });
  private readonly gridMaterial = new LineBasicMaterial({ color: GRID_COLOR, transparent: true, opacity: 0.9 });

  constructor() {
    this.group.add(this.floor, this.alphaAxis, this.betaAxis, this.lossAxis);
  }

  /** The titles of the plane's two axes; takes effect at the next `update`. */
  setNames(names: readonly [string, string]): void {
    this.names = names;
  }

  /** Rebuild every line and label for a surface of half-width `span` and this loss scale. */
  update(span: number, scale: LossScale): void {
    this.clear();
    const w = BOX_HALF_WIDTH;
    const coordinateTicks = span > 0 ? niceTicks(-span, span, 4) : [0];
    const step = coordinateTicks.length >= 2 ? (coordinateTicks[1] ?? 0) - (coordinateTicks[0] ?? 0) : 0;
    const toWorld = (c: number): number => (span > 0 ? (c / span) * w : 0);

    // Floor: outline plus grid lines through the α and β ticks.
    const outline = [-w, 0, -w, w, 0, -w, w, 0, -w, w, 0, w, w, 0, w, -w, 0, w, -w, 0, w, -w, 0, -w];
    this.floor.add(this.lines(outline, this.lineMaterial));
    const grid: number[] = [];
    for (const c of coordinateTicks) {
      const p = toWorld(c);
      if (Math.abs(Math.abs(p) - w) < 1e-6) continue;
      grid.push(p, 0, -w, p, 0, w, -w, 0, p, w, 0, p);
    }
    if (grid.length > 0) this.floor.add(this.lines(grid, this.gridMaterial));

    // α runs along x at the edge z = 0 of its frame; ticks point +z (outward once oriented).
    const alphaTicks: number[] = [];
    for (const c of coordinateTicks) {
      const x = toWorld(c);
      alphaTicks.push(x, 0, 0, x, 0, TICK_LENGTH);
      this.label(this.alphaAxis, formatTick(c, step), x, 0, LABEL_GAP + 0.03, {});
    }
    this.alphaAxis.add(this.lines(alphaTicks, this.lineMaterial));
    this.label(this.alphaAxis, this.names[0], 0, 0, LABEL_GAP + 0.19, { bold: true, title: true });

    // β runs along −z (β grows away from the default camera) at x = 0 of its frame.
    const betaTicks: number[] = [];
    for (const c of coordinateTicks) {
      const z = -toWorld(c);
      betaTicks.push(0, 0, z, TICK_LENGTH, 0, z);
      this.label(this.betaAxis, formatTick(c, step), LABEL_GAP + 0.05, 0, z, {});
    }
    this.betaAxis.add(this.lines(betaTicks, this.lineMaterial));
    this.label(this.betaAxis, this.names[1], LABEL_GAP + 0.24, 0, 0, { bold: true, title: true });

    // Loss: a vertical edge with ticks pointing +x of its frame.
    const lossLines = [0, 0, 0, 0, BOX_HEIGHT, 0];
    for (const tick of lossTicks(scale, 5)) {
      const y = tick.unit * BOX_HEIGHT;
      lossLines.push(0, y, 0, TICK_LENGTH, y, 0);
      this.lossLabels.push(this.label(this.lossAxis, tick.label, TICK_LENGTH + 0.03, y, 0, { anchorX: 1 }));
    }
    this.lossAxis.add(this.lines(lossLines, this.lineMaterial));
    const title = scale.logScale ? 'loss (log)' : 'loss';
    this.lossTitle = this.label(this.lossAxis, title, 0, BOX_HEIGHT + 0.1, 0, { bold: true, title: true });
    this.lossTitle.center.x = this.labelsPointRight ? 1 : 0;
    for (const sprite of this.lossLabels) sprite.center.x = this.labelsPointRight ? 0 : 1;
    // Unused labels are kept for later updates (a training's loss range comes back to the same ticks), the least recently used go.
    for (const [key, sprite] of this.spareLabels) {
      if (this.spareLabels.size <= SPARE_LABELS) break;
      this.spareLabels.delete(key);
      disposeTextSprite(sprite);
    }
  }

  /**
   * Move the axes to suit a camera at offset (x, y, z) from the orbit target. α and β are labelled
   * on the two floor edges nearest the camera. The loss axis stands at the far end of whichever of
   * those looks more horizontal on screen, its labels pointing on along that edge, away from the
   * corner the two labelled edges share, so no two sets of labels meet.
   */
  orient(cameraX: number, cameraY: number, cameraZ: number): void {
    const w = BOX_HALF_WIDTH;
    const zSide = cameraZ >= 0 ? 1 : -1;
    const xSide = cameraX >= 0 ? 1 : -1;
    // Seen from high above, a vertical axis collapses to a point and the surface's high parts
    // overhang the floor: hide the loss axis and lift the α, β labels to the top of the box.
    const fromAbove = cameraY > 2.5 * Math.hypot(cameraX, cameraZ);
    const labelY = fromAbove ? BOX_HEIGHT : 0;
    this.alphaAxis.position.set(0, labelY, zSide * w);
    this.alphaAxis.scale.set(1, 1, zSide);
    this.betaAxis.position.set(xSide * w, labelY, 0);
    this.betaAxis.scale.set(xSide, 1, 1);
    this.lossAxis.visible = !fromAbove;

    const alongAlphaEdge = Math.abs(cameraZ) >= Math.abs(cameraX);
    const cornerX = alongAlphaEdge ? -xSide * w : xSide * w;
    const cornerZ = alongAlphaEdge ? zSide * w : -zSide * w;
    this.lossAxis.position.set(cornerX, 0, cornerZ);
    // Ticks were built along local +x; rotation θ about y turns +x into (cos θ, 0, −sin θ).
    const outX = alongAlphaEdge ? Math.sign(cornerX) : 0;
    const outZ = alongAlphaEdge ? 0 : Math.sign(cornerZ);
    this.lossAxis.rotation.set(0, Math.atan2(-outZ, outX), 0);
    // Screen-right is (cameraZ, 0, −cameraX): labels pointing right hang from their left end.
    const pointsRight = outX * cameraZ - outZ * cameraX > 0;
    this.labelsPointRight = pointsRight;
    for (const sprite of this.lossLabels) sprite.center.x = pointsRight ? 0 : 1;
    // The title reaches the other way, over the box: the loss axis often stands at the edge of the
    // view, where a centred title would be cut in half.
    if (this.lossTitle) this.lossTitle.center.x = pointsRight ? 1 : 0;
  }

  dispose(): void {
    this.clear(false);
    for (const sprite of this.spareLabels.values()) disposeTextSprite(sprite);
    this.spareLabels.clear();
    this.lineMaterial.dispose();
    this.gridMaterial.dispose();
  }

  private clear(keepLabels = true): void {
    for (const sprite of this.sprites) {
      const key = labelKey(sprite);
      // Most recently used last (a Map keeps insertion order).
      if (keepLabels && key !== null && !this.spareLabels.has(key)) this.spareLabels.set(key, sprite);
      else disposeTextSprite(sprite);
    }
    for (const geometry of this.geometries) geometry.dispose();
    this.sprites.length = 0;
    this.lossLabels.length = 0;
    this.lossTitle = null;
    this.geometries.length = 0;
    for (const frame of [this.floor, this.alphaAxis, this.betaAxis, this.lossAxis]) frame.clear();
  }

  private lines(positions: number[], material: Material): LineSegments {
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new Float32BufferAttribute(positions, 3));
    this.geometries.push(geometry);
    return new LineSegments(geometry, material);
  }

  private label(
    frame: Group,
    text: string,
    x: number,
    y: number,
    z: number,
    style: { bold?: boolean; title?: boolean; anchorX?: number },
  ): Sprite {
    // CSS pixels at any view size; where two would overlap the tick gives way to the title (textSprite.ts).
    const options = {
      color: style.title === true ? TITLE_COLOR : '#c4cad6',
      fontPx: style.title === true ? 15 : 13,
      bold: style.bold === true,
      anchorX: style.anchorX ?? 0.5,
      priority: style.title === true ? 1 : 0,
    };
    const key = JSON.stringify([text, options]);
    const spare = this.spareLabels.get(key);
    this.spareLabels.delete(key);
    const sprite = spare ?? makeTextSprite(text, options);
    sprite.userData.axesKey = key;
    sprite.center.x = options.anchorX;
    sprite.visible = true;
    sprite.position.set(x, y, z);
    frame.add(sprite);
    this.sprites.push(sprite);
    return sprite;
  }
}

/** The text and style a label was made with (Axes.label), or null. */
function labelKey(sprite: Sprite): string | null {
  const key: unknown = sprite.userData.axesKey;
  return typeof key === 'string' ? key : null;
}
