import { CanvasTexture, LinearFilter, SRGBColorSpace, Sprite, SpriteMaterial } from 'three';

export interface TextSpriteOptions {
  /** CSS colour of the text. */
  readonly color?: string;
  /** Height of a line of text in world units. */
  readonly worldHeight?: number;
  /** Which point of the text sits at the sprite's position: 0 = left/bottom, 1 = right/top. */
  readonly anchorX?: number;
  readonly anchorY?: number;
  readonly bold?: boolean;
}

/** Pixels per text line in the texture: sharp at the sizes labels are drawn. */
const FONT_PX = 56;
const PADDING_PX = 8;

/**
 * A camera-facing text label drawn into a CanvasTexture. It always draws on top (no depth test)
 * so the surface never hides an axis label. Dispose with `disposeTextSprite`.
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
  const material = new SpriteMaterial({ map: texture, depthTest: false, depthWrite: false, transparent: true });
  const sprite = new Sprite(material);
  const worldHeight = (options.worldHeight ?? 0.07) * (canvas.height / (FONT_PX * 1.3));
  sprite.scale.set((worldHeight * canvas.width) / canvas.height, worldHeight, 1);
  sprite.center.set(options.anchorX ?? 0.5, options.anchorY ?? 0.5);
  sprite.renderOrder = 10;
  return sprite;
}

export function disposeTextSprite(sprite: Sprite): void {
  sprite.material.map?.dispose();
  sprite.material.dispose();
}
