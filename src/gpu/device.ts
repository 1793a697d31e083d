/** WebGPU device acquisition, in the page (navigator.gpu) or in Node (the `webgpu` package). */

export interface GpuContext {
  readonly device: GPUDevice;
  /** Human-readable adapter name, e.g. "google swiftshader (fallback)". */
  readonly adapterName: string;
  readonly isFallback: boolean;
}

export function describeAdapter(adapter: GPUAdapter): { name: string; isFallback: boolean } {
  const info = adapter.info;
  const fallback = 'isFallbackAdapter' in info ? Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter) : false;
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((p) => p && p.length > 0);
  const name = parts.length > 0 ? Array.from(new Set(parts)).join(' ') : 'unknown adapter';
  return { name: fallback ? `${name} (fallback adapter)` : name, isFallback: fallback };
}

/**
 * Ask for an adapter and a device with the adapter's own buffer limits (the defaults are far
 * smaller). Resolves to null when there is no WebGPU; never throws for that case.
 */
export async function acquireGpu(gpu: GPU | undefined): Promise<GpuContext | null> {
  if (!gpu) return null;
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    return null;
  }
  if (!adapter) return null;
  const { name, isFallback } = describeAdapter(adapter);
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    label: 'landscape.device',
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
    },
  });
  return { device, adapterName: name, isFallback };
}
