/**
 * The WGSL grid kernel variants the engine may choose between (src/engine/calibrate.ts measures each on
 * the device and picks the fastest per workload size). Every variant computes the same grid as
 * `LossGridKernel` (the CPU twins are the oracle) through the same `run(request, options)` call.
 */
import type { MlpSpec } from '../model/spec';
import { LossGridKernel } from './lossGrid.gpu';
import type { GridRequest, GridResult, GridRunOptions } from './lossGrid.types';
import { LossGridPointKernel } from './lossGridPoint.gpu';

/** The page's device asks for no more workgroup memory than WebGPU guarantees (src/gpu/device.ts). */
const DEFAULT_LIMITS = { maxComputeWorkgroupStorageSize: 16384 } as const;

/** What a grid kernel variant must offer: one call for a grid (or a strip of one), and `dispose()`. */
export interface GridKernel {
  run(req: GridRequest, opts?: GridRunOptions): Promise<GridResult>;
  dispose(): void;
}

export interface GridKernelVariant {
  /** A few words for the status line and the panel. */
  readonly label: string;
  readonly make: (device: GPUDevice) => GridKernel;
  /** Whether the variant can compute a network (absent: every network). */
  readonly fits?: (spec: MlpSpec) => boolean;
}

/** The variant a job runs when it names none. */
export const DEFAULT_GRID_VARIANT = 'tiles';

export const GRID_VARIANTS: Readonly<Record<string, GridKernelVariant>> = {
  tiles: { label: 'register tiles', make: (device) => new LossGridKernel(device) },
  workgroup: {
    label: 'workgroup-per-point',
    make: (device) => new LossGridPointKernel(device),
    fits: (spec) => LossGridPointKernel.fits(spec, DEFAULT_LIMITS),
  },
};

/** Whether variant `id` can compute `spec` (an unknown id cannot). */
export function variantFits(id: string, spec: MlpSpec): boolean {
  const variant = Object.prototype.hasOwnProperty.call(GRID_VARIANTS, id) ? GRID_VARIANTS[id] : undefined;
  return variant !== undefined && (variant.fits?.(spec) ?? true);
}

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
