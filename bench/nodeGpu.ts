/**
 * A WebGPU device in Node for the benches (the `webgpu` package, Dawn over Vulkan): the machine's own
 * driver, or SwiftShader (the software Vulkan Debian's chromium ships) where there is none. Null without either.
 */
import { existsSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { acquireGpu, type GpuContext } from '../src/gpu/device';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
/** Instances must outlive every device made from them (Dawn tears devices down with their instance). */
const liveInstances: unknown[] = [];

export async function nodeGpuContext(): Promise<GpuContext | null> {
  Object.assign(globalThis, globals);
  let instance = create([]);
  let ctx = await acquireGpu(instance);
  if (ctx === null && process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    instance = create([]);
    ctx = await acquireGpu(instance);
  }
  liveInstances.push(instance);
  return ctx;
}
