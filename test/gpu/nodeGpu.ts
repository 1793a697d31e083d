/**
 * WebGPU in Node for tests (the `webgpu` package, Dawn, over SwiftShader's CPU Vulkan).
 * No adapter is a failure with a clear message, never a skip.
 */
import { create, globals } from 'webgpu';
import { acquireGpu, type GpuContext } from '../../src/gpu/device';

let cached: Promise<GpuContext> | null = null;
// The GPU instance must outlive every device made from it: if it is garbage-collected, Dawn
// tears down the instance under live devices and the process aborts on the next map.
let gpuInstance: GPU | null = null;

export function nodeGpu(): Promise<GpuContext> {
  cached ??= (async () => {
    Object.assign(globalThis, globals);
    gpuInstance = create([]) as unknown as GPU;
    const ctx = await acquireGpu(gpuInstance);
    if (!ctx) {
      throw new Error(
        'No WebGPU adapter in Node. The tests use SwiftShader from Debian\'s chromium package: ' +
          'install it (apt-get install -y chromium) and libvulkan1; VK_ICD_FILENAMES is set in vitest.config.ts.',
      );
    }
    return ctx;
  })();
  return cached;
}

/** Run `body` inside validation and out-of-memory error scopes; fail on any error. */
export async function withErrorScopes<T>(device: GPUDevice, body: () => Promise<T>): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T;
  try {
    result = await body();
  } finally {
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    if (validation) throw new Error(`WebGPU validation error: ${validation.message}`);
    if (oom) throw new Error(`WebGPU out-of-memory error: ${oom.message}`);
  }
  return result;
}
