import { describe, expect, it } from 'vitest';
import { COLORMAPS } from '../../src/state/appState';
import { colormap } from '../../src/view/colormaps';
import { componentColor, hslToRgb } from '../../src/view/palette';
import { componentVertexColors } from '../../src/view/sublevelLayer';

const distance = (a: readonly number[], b: readonly number[]): number =>
  Math.hypot((a[0] ?? 0) - (b[0] ?? 0), (a[1] ?? 0) - (b[1] ?? 0), (a[2] ?? 0) - (b[2] ?? 0));

describe('component palette', () => {
  it('gives valid, pairwise distinct colours for the first 40 components', () => {
    const colours = Array.from({ length: 40 }, (_, i) => componentColor(i));
    for (const c of colours) for (const v of c) expect(v >= 0 && v <= 1).toBe(true);
    for (let i = 0; i < 10; i++) for (let j = i + 1; j < 10; j++) expect(distance(colours[i] ?? [], colours[j] ?? [])).toBeGreaterThan(0.2);
    // Neighbours in the sequence never look alike.
    for (let i = 0; i + 1 < 40; i++) expect(distance(colours[i] ?? [], colours[i + 1] ?? [])).toBeGreaterThan(0.15);
    expect(componentColor(-3)).toEqual(componentColor(0));
  });

  it('the first colours are saturated, unlike the grey map', () => {
    for (let i = 0; i < 10; i++) {
      const [r, g, b] = componentColor(i);
      expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeGreaterThan(0.3);
    }
    expect(COLORMAPS).toContain('greys');
    const grey = colormap('greys', 0.5);
    expect(Math.max(...grey) - Math.min(...grey)).toBeLessThan(0.01);
  });

  it('hslToRgb hits the primaries', () => {
    expect(hslToRgb(0, 1, 0.5).map((v) => Number(v.toFixed(6)))).toEqual([1, 0, 0]);
    expect(hslToRgb(120, 1, 0.5).map((v) => Number(v.toFixed(6)))).toEqual([0, 1, 0]);
    expect(hslToRgb(240, 1, 0.5).map((v) => Number(v.toFixed(6)))).toEqual([0, 0, 1]);
  });

  it('vertex colours: members take their component colour, shore vertices a neighbour’s', () => {
    // 3×3 grid: component 0 at the left column, component 1 at the right column, the middle above E.
    const labels = Int32Array.from([0, -1, 1, 0, -1, 1, 0, -1, -1]);
    const elder = Int32Array.from([2, 5]);
    const out = new Float32Array(27);
    componentVertexColors(labels, elder, 3, out);
    const at = (i: number): number[] => Array.from(out.subarray(3 * i, 3 * i + 3));
    expect(at(0)).toEqual(at(3));
    expect(at(2)).not.toEqual(at(0));
    expect(at(1)).toEqual(at(0)); // the left neighbour wins
    expect(at(8)).toEqual(at(5)); // its only neighbour inside is in the row before
  });
});
