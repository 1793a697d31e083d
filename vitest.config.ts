import { defineConfig } from 'vitest/config';

// The `webgpu` package (Dawn for Node) needs a Vulkan driver. Debian's chromium ships SwiftShader,
// a CPU Vulkan; point the loader at it before the test workers start so they inherit it.
process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
process.env.LD_LIBRARY_PATH = ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH ?? ''].filter((p) => p !== '').join(':');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: true,
  },
});
