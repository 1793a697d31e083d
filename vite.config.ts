import { defineConfig } from 'vite';
import { resolve } from 'node:path';
import { CROSS_ORIGIN_ISOLATION_HEADERS, cpuEnginePlugin } from './src/wasm/vitePlugin';

export default defineConfig({
  base: './',
  plugins: [cpuEnginePlugin()],
  build: {
    target: 'es2022',
    rolldownOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        bench: resolve(import.meta.dirname, 'bench.html'),
      },
    },
  },
  worker: { format: 'es', plugins: () => [cpuEnginePlugin()] },
  // onnxruntime-web finds its .wasm next to its own module: pre-bundling would move the module away from it.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: { host: '127.0.0.1', headers: CROSS_ORIGIN_ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', headers: CROSS_ORIGIN_ISOLATION_HEADERS },
});
