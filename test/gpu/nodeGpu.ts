/**
 * WebGPU in Node for tests (the `webgpu` package, Dawn, over SwiftShader's CPU Vulkan).
 * No adapter is a failure with a clear message, never a skip.
 */
import { existsSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { acquireGpu, type GpuContext } from '../../src/gpu/device';
import { errorMessage } from '../../src/model/errors';

let cached: Promise<GpuContext> | null = null;
// The GPU instance must outlive every device made from it: if it is garbage-collected, Dawn
// tears down the instance under live devices and the process aborts on the next map.
let gpuInstance: GPU | null = null;

const SETUP =
  "The tests use SwiftShader from Debian's chromium package: install it (apt-get install -y chromium) and libvulkan1; " +
  'vitest.config.ts points VK_ICD_FILENAMES at it.';

export function nodeGpu(): Promise<GpuContext> {
  cached ??= (async () => {
    Object.assign(globalThis, globals);
    try {
      gpuInstance = create([]);
    } catch (err) {
      throw new Error(`The webgpu package (Dawn for Node) did not start: ${errorMessage(err)}. ${SETUP}`, { cause: err });
    }
    return requireGpu(gpuInstance);
  })();
  return cached;
}

/** The adapter and device of `gpu`; no adapter is an error that says why and what to install, never a skip. */
export async function requireGpu(gpu: GPU | undefined): Promise<GpuContext> {
  const ctx = await acquireGpu(gpu);
  if (!ctx) {
    const icd = process.env.VK_ICD_FILENAMES;
    const found = icd === undefined ? 'not set' : `${icd}${existsSync(icd) ? '' : ', a file that does not exist'}`;
    throw new Error(`No WebGPU adapter in Node (VK_ICD_FILENAMES: ${found}). ${SETUP}`);
  }
  return ctx;
}

/** Run `body` inside validation and out-of-memory error scopes; fail on any error. */
export async function withErrorScopes<T>(device: GPUDevice, body: () => Promise<T>): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await body() };
  } catch (error) {
    outcome = { ok: false, error };
  }
  // Pop both scopes whatever happened, so a failed body never leaves scopes on the device's stack.
  const validation = await device.popErrorScope();
  const oom = await device.popErrorScope();
  if (validation) throw new Error(`WebGPU validation error: ${validation.message}`);
  if (oom) throw new Error(`WebGPU out-of-memory error: ${oom.message}`);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
