/**
 * Surfaces that did not come from the engine: a grid read from a file, or a grid computed over a
 * model bundle's own network, weights and data. Both become an ordinary `Surface`, so every tool
 * (water level, components, contours, exports) works on them.
 */
import type { GridData } from '../io/gridData';
import type { ModelBundle } from '../io/bundle';
import type { GpuContext } from '../gpu/device';
import { lossGridCpu } from '../gpu/lossGrid.cpu';
import { LossGridKernel } from '../gpu/lossGrid.gpu';
import { squareGrid } from '../gpu/lossGrid.types';
import { randomDirection, type Plane } from '../landscape/directions';
import { gridCoordinates, valueStats, type Surface } from '../landscape/surface';
import { evaluate } from '../model/network';
import { deriveSeed } from '../model/rng';
import { assertValidSpec, paramLayout } from '../model/spec';
import type { AppState } from '../state/appState';

/** A file's grid as a Surface; the box spans the largest |α| or |β| so that α = β = 0 stays centred. */
export function surfaceFromGrid(grid: GridData, name: string, format: string): Surface {
  const { nx, ny } = grid;
  const alphas = Float32Array.from(grid.alphas);
  const betas = Float32Array.from(grid.betas);
  let span = 0;
  for (const c of [alphas[0], alphas[nx - 1], betas[0], betas[ny - 1]]) span = Math.max(span, Math.abs(c ?? 0));
  const stats = valueStats(grid.loss);
  return {
    gridSize: nx,
    ...(ny !== nx ? { ny } : {}),
    imported: { name, format },
    span: span > 0 ? span : 1,
    alphas,
    betas,
    loss: grid.loss,
    ...(grid.accuracy !== undefined ? { accuracy: grid.accuracy } : {}),
    ...stats,
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

/**
 * The loss of a bundle's network over the plane θ + α·d₁ + β·d₂ at the state's grid size and span:
 * the bundle's directions if it has them, else seeded Gaussian ones as the app draws them.
 */
export async function bundleSurface(
  bundle: ModelBundle, name: string, state: AppState, gpu: GpuContext | null, signal: AbortSignal,
): Promise<{ surface: Surface; plane: Plane }> {
  assertValidSpec(bundle.spec);
  const size = paramLayout(bundle.spec).size;
  if (bundle.theta.length !== size) throw new Error(`bundle: ${bundle.theta.length} weights, the network has ${size}`);
  const opts = { filterNormalize: state.plane.filterNormalize, keepBias: state.plane.keepBiasDirections };
  const plane: Plane = {
    center: bundle.theta,
    directionX: bundle.directionX ?? randomDirection(bundle.spec, bundle.theta, deriveSeed(state.seed, 'direction.x'), opts),
    directionY: bundle.directionY ?? randomDirection(bundle.spec, bundle.theta, deriveSeed(state.seed, 'direction.y'), opts),
  };
  const samples = { m: bundle.m, inputs: bundle.spec.inputs, x: bundle.x, y: bundle.y };
  const { gridSize, span } = state.plane;
  const req = squareGrid({ spec: bundle.spec, samples, ...plane }, gridSize, span);
  const t0 = performance.now();
  let result;
  let device: 'webgpu' | 'cpu' = 'cpu';
  if (gpu !== null) {
    const kernel = new LossGridKernel(gpu.device);
    try {
      result = await kernel.run(req, { signal });
      device = 'webgpu';
    } catch (err) {
      if (signal.aborted) throw err;
      result = null;
    } finally {
      kernel.dispose();
    }
  }
  result ??= lossGridCpu(req, { signal });
  const data = { name, m: bundle.m, inputs: bundle.spec.inputs, x: bundle.x, y: bundle.y, targetWidth: bundle.spec.loss === 'mse' ? bundle.spec.outputs : 1, classes: 0 };
  const surface: Surface = {
    gridSize,
    imported: { name, format: 'bundle' },
    span,
    alphas: gridCoordinates(gridSize, span),
    betas: gridCoordinates(gridSize, span),
    loss: result.loss,
    ...(result.accuracy ? { accuracy: result.accuracy } : {}),
    ...valueStats(result.loss),
    centerLoss: evaluate(bundle.spec, bundle.theta, data).loss,
    device,
    adapter: device === 'webgpu' ? (gpu?.adapterName ?? 'WebGPU') : 'CPU reference',
    timings: { gridMs: performance.now() - t0, trainMs: 0 },
  };
  return { surface, plane };
}
