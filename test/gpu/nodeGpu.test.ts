/** A GPU test that finds no adapter fails with a message saying what to install; it never skips. */
import { describe, expect, it } from 'vitest';
import { nodeGpu, requireGpu } from './nodeGpu';

describe('nodeGpu', () => {
  it('no adapter is an error naming the driver setup', async () => {
    const noAdapter = { requestAdapter: () => Promise.resolve(null) } as unknown as GPU;
    await expect(requireGpu(noAdapter)).rejects.toThrow(
      /No WebGPU adapter in Node \(VK_ICD_FILENAMES: .*\)\. .*apt-get install -y chromium/,
    );
    await expect(requireGpu(undefined)).rejects.toThrow(/No WebGPU adapter/);
    const refusing = { requestAdapter: () => Promise.reject(new Error('no Vulkan')) } as unknown as GPU;
    await expect(requireGpu(refusing)).rejects.toThrow(/No WebGPU adapter/);
  });

  it('on this machine finds an adapter and a device', async () => {
    const { device, adapterName } = await nodeGpu();
    expect(adapterName.length).toBeGreaterThan(0);
    expect(device.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
  });
});
