/**
 * PNG pictures of the 3-D view: 1×, 2× or 4× the on-screen canvas size, optional transparent
 * background, colour bar and caption (drawn by ExportFrame, encoded here).
 */
import { jsonText } from './result';

export const PNG_SCALES = [1, 2, 4] as const;
export type PngScale = (typeof PNG_SCALES)[number];

export interface PngOptions {
  scale: PngScale;
  transparent: boolean;
  colorBar: boolean;
  caption: boolean;
}

export function defaultPngOptions(): PngOptions {
  return { scale: 2, transparent: false, colorBar: true, caption: true };
}

/**
 * Reads loose options (console API, panel) over the defaults; never throws. Unknown keys and bad
 * values are reported in `ignored`.
 */
export function checkPngOptions(input: unknown): { options: PngOptions; ignored: string[] } {
  const options = defaultPngOptions();
  const ignored: string[] = [];
  if (input === undefined || input === null) return { options, ignored };
  if (typeof input !== 'object' || Array.isArray(input)) {
    ignored.push('PNG options must be an object like { scale: 2, transparent: true }');
    return { options, ignored };
  }
  for (const [key, value] of Object.entries(input)) {
    if (key === 'scale') {
      const scale = PNG_SCALES.find((s) => s === value || String(s) === value);
      if (scale === undefined) ignored.push(`PNG scale ${jsonText(value) ?? String(value)} is not 1, 2 or 4; kept ${options.scale}`);
      else options.scale = scale;
    } else if (key === 'transparent' || key === 'colorBar' || key === 'caption') {
      if (typeof value === 'boolean') options[key] = value;
      else ignored.push(`PNG ${key} must be true or false; kept ${String(options[key])}`);
    } else if (key !== 'download') {
      ignored.push(`unknown PNG option ${JSON.stringify(key)}`);
    }
  }
  return { options, ignored };
}

/** Pixel size of a PNG at `scale` times a canvas of `cssWidth`×`cssHeight` CSS pixels. */
export function pngSize(cssWidth: number, cssHeight: number, scale: PngScale): { width: number; height: number } {
  return { width: Math.max(1, Math.round(cssWidth)) * scale, height: Math.max(1, Math.round(cssHeight)) * scale };
}

export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob === null ? reject(new Error('the browser could not encode the PNG')) : resolve(blob)), 'image/png');
  });
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
export function readPngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24 || SIGNATURE.some((b, i) => bytes[i] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(bytes[12] ?? 0, bytes[13] ?? 0, bytes[14] ?? 0, bytes[15] ?? 0);
  if (type !== 'IHDR') return null;
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
