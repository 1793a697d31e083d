import { describe, expect, it } from 'vitest';
import { thumbnailPixels } from '../../src/view/thumbnail';
import { colormap } from '../../src/view/colormaps';

/** A bowl with its minimum at grid cell (cx, cy). */
function bowl(n: number, cx: number, cy: number): Float32Array {
  return Float32Array.from({ length: n * n }, (_, i) => ((i % n) - cx) ** 2 + (Math.floor(i / n) - cy) ** 2 + 0.01);
}

const brightness = (px: Uint8ClampedArray, w: number, x: number, y: number): number => {
  const i = 4 * (y * w + x);
  return (px[i] ?? 0) + (px[i + 1] ?? 0) + (px[i + 2] ?? 0);
};

describe('gallery thumbnail from a loss grid', () => {
  it('has the requested size, is opaque, and puts the minimum where the grid has it (β up)', () => {
    const n = 33;
    // Minimum near the upper-left of the picture: small α (left), large β (top).
    const px = thumbnailPixels({ loss: bowl(n, 8, 24), gridSize: n, logScale: false, colormap: 'greys', isolines: 0 }, 64, 64);
    expect(px.length).toBe(64 * 64 * 4);
    for (let i = 3; i < px.length; i += 4) expect(px[i]).toBe(255);
    // greys: low loss is dark. The darkest pixel lies in the upper-left quadrant.
    let best = { x: -1, y: -1, v: Infinity };
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) {
        const v = brightness(px, 64, x, y);
        if (v < best.v) best = { x, y, v };
      }
    expect(best.x).toBeLessThan(24);
    expect(best.y).toBeLessThan(24);
    expect(Math.abs(best.x - 16)).toBeLessThanOrEqual(3);
    expect(Math.abs(best.y - 16)).toBeLessThanOrEqual(3);
  });

  it('colours follow the colormap, isolines darken pixels, NaN cells get the non-finite colour', () => {
    const n = 17;
    const loss = bowl(n, 8, 8);
    const plain = thumbnailPixels({ loss, gridSize: n, logScale: true, colormap: 'viridis', isolines: 0 }, 40, 25);
    const lined = thumbnailPixels({ loss, gridSize: n, logScale: true, colormap: 'viridis', isolines: 8 }, 40, 25);
    let darker = 0;
    for (let i = 0; i < plain.length; i += 4) if ((lined[i] ?? 0) + (lined[i + 1] ?? 0) < (plain[i] ?? 0) + (plain[i + 1] ?? 0)) darker++;
    expect(darker).toBeGreaterThan(20);
    // The centre pixel is the minimum: viridis at 0 (dark purple), lit about evenly.
    const [r, g, b] = colormap('viridis', 0);
    const i = 4 * (12 * 40 + 20);
    expect(Math.abs((plain[i + 2] ?? 0) / ((plain[i] ?? 0) + 1) - b / (r + 1 / 255))).toBeLessThan(1.5);
    expect(g).toBeLessThan(b);
    const holes = loss.slice();
    holes.fill(Number.NaN, 0, n * n);
    holes[0] = 1;
    holes[1] = 2;
    const nan = thumbnailPixels({ loss: holes, gridSize: n, logScale: false, colormap: 'viridis' }, 8, 8);
    expect(Array.from(nan.subarray(4 * 27, 4 * 28))).toEqual(Array.from(nan.subarray(4 * 36, 4 * 37)));
  });

  it('rejects a grid that is not gridSize² and a bad size', () => {
    expect(() => thumbnailPixels({ loss: new Float32Array(10), gridSize: 4, logScale: false, colormap: 'viridis' }, 8, 8)).toThrow(
      /gridSize/,
    );
    expect(() => thumbnailPixels({ loss: new Float32Array(16), gridSize: 4, logScale: false, colormap: 'viridis' }, 0, 8)).toThrow(/size/);
  });
});
