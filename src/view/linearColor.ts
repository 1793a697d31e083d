import type { Rgb } from './colormaps';

/** sRGB (0..1) → linear light, which three.js expects in vertex colours. */
export function toLinear(rgb: Rgb): [number, number, number] {
  const f = (c: number): number => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return [f(rgb[0]), f(rgb[1]), f(rgb[2])];
}
