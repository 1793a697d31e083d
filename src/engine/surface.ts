/**
 * The one place a `Surface` is assembled: from a grid the engine computed (any plane, any backend) or
 * from a grid read from a file. Every tool downstream (water level, components, contours, exports)
 * sees the same plain data whichever way it came.
 */
import type { GridResult } from '../gpu/lossGrid.types';
import type { GridData } from '../io/gridData';
import { gridCoordinates, valueStats, type Surface } from '../landscape/surface';
import type { Backend } from './backend';

export interface ComputedSurface {
  /** Points a side of the square grid over [−span, span]². */
  readonly gridSize: number;
  readonly span: number;
  readonly result: GridResult;
  /** Loss at α = β = 0, evaluated there exactly. */
  readonly centerLoss: number;
  readonly backend: Pick<Backend, 'kind' | 'label'>;
  readonly gridMs: number;
  readonly trainMs: number;
  /** Set when the model behind it came from a file (a bundle), not from the page's state. */
  readonly imported?: { readonly name: string; readonly format: string };
  /** Set on a coarse level while a finer one is coming. */
  readonly refining?: Surface['refining'];
}

/** A computed square grid as a Surface. */
export function computedSurface(c: ComputedSurface): Surface {
  const { gridSize, span, result } = c;
  return {
    gridSize,
    ...(c.imported ? { imported: c.imported } : {}),
    span,
    alphas: gridCoordinates(gridSize, span),
    betas: gridCoordinates(gridSize, span),
    loss: result.loss,
    ...(result.accuracy ? { accuracy: result.accuracy } : {}),
    ...valueStats(result.loss),
    centerLoss: c.centerLoss,
    device: c.backend.kind,
    adapter: c.backend.label,
    timings: { gridMs: c.gridMs, trainMs: c.trainMs },
    ...(c.refining ? { refining: c.refining } : {}),
  };
}

/** A file's grid as a Surface; the box spans the largest |α| or |β| so that α = β = 0 stays centred. */
export function surfaceFromGrid(grid: GridData, name: string, format: string): Surface {
  const { nx, ny } = grid;
  const alphas = Float32Array.from(grid.alphas);
  const betas = Float32Array.from(grid.betas);
  let span = 0;
  for (const c of [alphas[0], alphas[nx - 1], betas[0], betas[ny - 1]]) span = Math.max(span, Math.abs(c ?? 0));
  return {
    gridSize: nx,
    ...(ny !== nx ? { ny } : {}),
    imported: { name, format },
    span: span > 0 ? span : 1,
    alphas,
    betas,
    loss: grid.loss,
    ...(grid.accuracy !== undefined ? { accuracy: grid.accuracy } : {}),
    ...valueStats(grid.loss),
    centerLoss: nearestValue(grid, 0, 0),
    device: 'cpu',
    adapter: `file ${name}`,
    timings: { gridMs: 0, trainMs: 0 },
  };
}

function nearestValue(grid: GridData, alpha: number, beta: number): number {
  const nearest = (coords: Float64Array, v: number): number => {
    let best = 0;
    for (let i = 1; i < coords.length; i++) if (Math.abs((coords[i] ?? 0) - v) < Math.abs((coords[best] ?? 0) - v)) best = i;
    return best;
  };
  return grid.loss[nearest(grid.betas, beta) * grid.nx + nearest(grid.alphas, alpha)] ?? NaN;
}
