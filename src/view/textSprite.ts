import { CanvasTexture, LinearFilter, SRGBColorSpace, Sprite, SpriteMaterial, Vector3, type Camera, type Object3D } from 'three';

export interface TextSpriteOptions {
  /** CSS colour of the text. */
  readonly color?: string;
  /** Size of the text on screen, CSS pixels (it does not grow or shrink with distance); 13 if absent. */
  readonly fontPx?: number;
  /** Which point of the text sits at the sprite's position: 0 = left/bottom, 1 = right/top (may lie outside 0..1). */
  readonly anchorX?: number;
  readonly anchorY?: number;
  readonly bold?: boolean;
  /** Where two labels would overlap on screen, the one of lower priority is hidden (axis ticks 0, titles 1, markers 2). */
  readonly priority?: number;
}

/** What a label sprite carries in `userData.label`. */
interface LabelData {
  readonly text: string;
  readonly fontPx: number;
  readonly priority: number;
  /** Texture width / height. */
  readonly aspect: number;
  /** Texture height / font size: the sprite's height for one pixel of text. */
  readonly lineScale: number;
  /** The text's own box inside the sprite, as fractions of its width and height (y from the bottom). */
  readonly ink: { readonly x0: number; readonly x1: number; readonly y0: number; readonly y1: number };
}

/** A label's text box on screen, CSS pixels from the top left of the view. */
export interface LabelRect {
  readonly text: string;
  readonly fontPx: number;
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** Pixels per text line in the texture: sharp at the sizes labels are drawn. */
const FONT_PX = 56;
const PADDING_PX = 8;

/**
 * A camera-facing text label drawn into a CanvasTexture, a fixed number of CSS pixels tall at any distance
 * (`sizeLabels` sets its scale for the view's size). It always draws on top (no depth test) so the surface
 * never hides an axis label. Dispose with `disposeTextSprite`.
 */
export function makeTextSprite(text: string, options: TextSpriteOptions = {}): Sprite {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d');
  const font = `${options.bold === true ? 600 : 500} ${FONT_PX}px system-ui, -apple-system, "Segoe UI", sans-serif`;
  let width = FONT_PX;
  if (context !== null) {
    context.font = font;
    width = Math.ceil(context.measureText(text).width);
  }
  canvas.width = width + 2 * PADDING_PX;
  canvas.height = Math.ceil(FONT_PX * 1.3) + 2 * PADDING_PX;
  if (context !== null) {
    // Resizing the canvas resets the context state.
    context.font = font;
    context.textBaseline = 'middle';
    context.textAlign = 'left';
    context.shadowColor = 'rgba(0, 0, 0, 0.85)';
    context.shadowBlur = 6;
    context.fillStyle = options.color ?? '#d7dce5';
    context.fillText(text, PADDING_PX, canvas.height / 2);
  }
  const texture = new CanvasTexture(canvas);
  texture.colorSpace = SRGBColorSpace;
  texture.minFilter = LinearFilter;
  texture.generateMipmaps = false;
  const material = new SpriteMaterial({ map: texture, depthTest: false, depthWrite: false, transparent: true, sizeAttenuation: false });
  const sprite = new Sprite(material);
  const label: LabelData = {
    text,
    fontPx: options.fontPx ?? 13,
    priority: options.priority ?? 0,
    aspect: canvas.width / canvas.height,
    lineScale: canvas.height / FONT_PX,
    ink: {
      x0: PADDING_PX / canvas.width,
      x1: (PADDING_PX + width) / canvas.width,
      y0: (canvas.height - FONT_PX) / 2 / canvas.height,
      y1: (canvas.height + FONT_PX) / 2 / canvas.height,
    },
  };
  sprite.userData.label = label;
  sprite.center.set(options.anchorX ?? 0.5, options.anchorY ?? 0.5);
  sprite.renderOrder = 10;
  sizeLabel(sprite, label, 600, Math.tan((19 * Math.PI) / 180), 1);
  return sprite;
}

function labelOf(object: Object3D): LabelData | null {
  const label: unknown = object.userData.label;
  return isSprite(object) && typeof label === 'object' && label !== null ? (label as LabelData) : null;
}

function sizeLabel(sprite: Sprite, label: LabelData, heightPx: number, tanHalfFov: number, zoom: number): void {
  // Without size attenuation a sprite's height on screen is scale.y / tan(fov/2) half-heights of the view.
  const height = (label.fontPx * zoom * label.lineScale * 2 * tanHalfFov) / Math.max(1, heightPx);
  sprite.scale.set(height * label.aspect, height, 1);
}

/**
 * Size every label under `root` for a view `heightPx` CSS pixels tall whose vertical half field of view
 * has tangent `tanHalfFov`; `zoom` scales the text (an export larger than the view keeps its look).
 */
export function sizeLabels(root: Object3D, heightPx: number, tanHalfFov: number, zoom = 1): void {
  root.traverse((object) => {
    const label = labelOf(object);
    if (label !== null && isSprite(object)) sizeLabel(object, label, heightPx, tanHalfFov, zoom);
  });
}

/** Whether an object and all its parents are visible. */
function shown(object: Object3D): boolean {
  for (let o: Object3D | null = object; o !== null; o = o.parent) if (!o.visible) return false;
  return true;
}

const scratch = new Vector3();

/** The text box on screen of one label sprite (null: not a label, or behind the camera). */
function rectOf(sprite: Sprite, label: LabelData, camera: Camera, width: number, height: number): LabelRect | null {
  sprite.getWorldPosition(scratch);
  scratch.project(camera);
  if (scratch.z > 1 || scratch.z < -1) return null;
  const x = ((scratch.x + 1) / 2) * width;
  const y = ((1 - scratch.y) / 2) * height;
  // Without size attenuation the sprite's height on screen is scale.y · P[1][1] half-heights of the view.
  const hPx = ((sprite.scale.y * camera.projectionMatrix.elements[5]) / 2) * height;
  const wPx = hPx * label.aspect;
  const left = x - sprite.center.x * wPx;
  const bottom = y + sprite.center.y * hPx;
  return {
    text: label.text,
    fontPx: hPx / label.lineScale,
    left: left + label.ink.x0 * wPx,
    right: left + label.ink.x1 * wPx,
    top: bottom - label.ink.y1 * hPx,
    bottom: bottom - label.ink.y0 * hPx,
  };
}

/**
 * Hide labels that would overlap one shown before them (higher priority first, then scene order), so no
 * two labels ever collide on screen. Every label under `root` is considered afresh at each call.
 */
export function declutterLabels(root: Object3D, camera: Camera, width: number, height: number): void {
  const labels: { sprite: Sprite; label: LabelData; order: number }[] = [];
  root.traverse((object) => {
    const label = labelOf(object);
    if (label === null || !isSprite(object)) return;
    object.visible = true;
    if (shown(object)) labels.push({ sprite: object, label, order: labels.length });
  });
  labels.sort((a, b) => b.label.priority - a.label.priority || a.order - b.order);
  const placed: LabelRect[] = [];
  for (const { sprite, label } of labels) {
    const rect = rectOf(sprite, label, camera, width, height);
    if (rect === null) continue;
    if (placed.some((p) => p.left < rect.right + 2 && rect.left < p.right + 2 && p.top < rect.bottom + 1 && rect.top < p.bottom + 1)) {
      sprite.visible = false;
      continue;
    }
    placed.push(rect);
  }
}

/** The visible labels' text boxes on screen (for layout checks), CSS pixels from the top left of the view. */
export function labelRects(root: Object3D, camera: Camera, width: number, height: number): LabelRect[] {
  const rects: LabelRect[] = [];
  root.traverse((object) => {
    const label = labelOf(object);
    if (label === null || !isSprite(object) || !shown(object)) return;
    const rect = rectOf(object, label, camera, width, height);
    if (rect !== null) rects.push(rect);
  });
  return rects;
}

export function disposeTextSprite(sprite: Sprite): void {
  sprite.material.map?.dispose();
  sprite.material.dispose();
}

/** A sprite, typed without three's `any` event map (instanceof narrows to Sprite<any>). */
function isSprite(object: Object3D): object is Sprite {
  return object instanceof Sprite;
}
