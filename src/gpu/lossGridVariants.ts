/**
 * The WGSL grid kernel variants the engine may choose between (src/engine/calibrate.ts measures each on
 * the device and picks the fastest per workload size). Every variant computes the same grid as
 * `LossGridKernel` (the CPU twins are the oracle) through the same `run(request, options)` call.
 */
import { LossGridKernel } from './lossGrid.gpu';
import type { GridRequest, GridResult, GridRunOptions } from './lossGrid.types';

/** What a grid kernel variant must offer: one call for a grid (or a strip of one), and `dispose()`. */
export interface GridKernel {
  run(req: GridRequest, opts?: GridRunOptions): Promise<GridResult>;
  dispose(): void;
}

export interface GridKernelVariant {
  /** A few words for the status line and the panel. */
  readonly label: string;
  readonly make: (device: GPUDevice) => GridKernel;
}

/** The variant a job runs when it names none. */
export const DEFAULT_GRID_VARIANT = 'tiles';

export const GRID_VARIANTS: Readonly<Record<string, GridKernelVariant>> = {
  tiles: { label: 'register tiles', make: (device) => new LossGridKernel(device) },
};

/** The ids of the variants, the default first. */
export function gridVariantIds(): string[] {
  return [DEFAULT_GRID_VARIANT, ...Object.keys(GRID_VARIANTS).filter((id) => id !== DEFAULT_GRID_VARIANT)];
}

/** The variant of an id (the default for none); throws for an unknown id. */
export function gridVariant(id: string | undefined): GridKernelVariant {
  const key = id ?? DEFAULT_GRID_VARIANT;
  const found = Object.prototype.hasOwnProperty.call(GRID_VARIANTS, key) ? GRID_VARIANTS[key] : undefined;
  if (found === undefined) throw new Error(`unknown grid kernel variant "${key}" (known: ${gridVariantIds().join(', ')})`);
  return found;
}
