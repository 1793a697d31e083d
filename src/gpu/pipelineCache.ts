/**
 * Compute pipelines kept per device, keyed by everything they are made from (the label, the WGSL source,
 * the override constants and the bind group layout's storage types). The training kernels are made anew for
 * each training (θ₀, each seed group of a width sweep, each curve): with this cache they reuse the pipeline
 * compiled the first time instead of handing the shader to the driver's compiler again (on a software
 * adapter that compile takes tens to hundreds of milliseconds of a core the page's own thread shares).
 * At most `PIPELINES_PER_DEVICE` are kept; the least recently used goes first.
 */
import { slotBindGroupLayout } from './uniformRing';

export const PIPELINES_PER_DEVICE = 48;

/** A pipeline and the bind group layout it was made with (bind groups for it use this layout). */
export interface CachedPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

export interface PipelineRecipe {
  /** Label of the pipeline, the module and the layouts. */
  readonly label: string;
  readonly code: string;
  /** Storage bindings after the uniform slot at binding 0 (see `slotBindGroupLayout`). */
  readonly storage: readonly ('read-only-storage' | 'storage')[];
  readonly constants: Readonly<Record<string, number>>;
}

const perDevice = new WeakMap<GPUDevice, Map<string, CachedPipeline>>();

/** The pipeline for `recipe` on `device`: made on first use, then the same objects. */
export function cachedSlotPipeline(device: GPUDevice, recipe: PipelineRecipe): CachedPipeline {
  let cache = perDevice.get(device);
  if (cache === undefined) {
    cache = new Map();
    perDevice.set(device, cache);
  }
  const constants = Object.keys(recipe.constants)
    .sort()
    .map((k) => `${k}=${recipe.constants[k]}`)
    .join(',');
  const key = `${recipe.label}|${recipe.storage.join(',')}|${constants}|${recipe.code}`;
  const found = cache.get(key);
  if (found !== undefined) {
    // Most recently used last (Map keeps insertion order).
    cache.delete(key);
    cache.set(key, found);
    return found;
  }
  const layout = slotBindGroupLayout(device, `${recipe.label}.bindings`, recipe.storage);
  const module = device.createShaderModule({ label: recipe.label, code: recipe.code });
  const pipeline = device.createComputePipeline({
    label: recipe.label,
    layout: device.createPipelineLayout({ label: `${recipe.label}.layout`, bindGroupLayouts: [layout] }),
    compute: { module, entryPoint: 'main', constants: { ...recipe.constants } },
  });
  const made = { pipeline, layout };
  cache.set(key, made);
  while (cache.size > PIPELINES_PER_DEVICE) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
  return made;
}

/** How many pipelines are kept for `device` (tests). */
export function cachedPipelineCount(device: GPUDevice): number {
  return perDevice.get(device)?.size ?? 0;
}
