/**
 * The vite side of the SIMD CPU engine: `virtual:cpu-engine-wasm` is the engine compiled from
 * src/wasm/assembly/engine.ts (both variants, base64), built when dev, build or preview needs it, so a
 * fresh clone needs no extra step and the .wasm never lives in the repository. Runs in Node (vite's config).
 */
import type { Plugin } from 'vite';
import { ENGINE_SOURCE, engineBinaryNode } from './compileEngine';

const VIRTUAL_ID = 'virtual:cpu-engine-wasm';
const RESOLVED_ID = `\0${VIRTUAL_ID}`;

export function cpuEnginePlugin(): Plugin {
  return {
    name: 'cpu-engine-wasm',
    resolveId: (source) => (source === VIRTUAL_ID ? RESOLVED_ID : null),
    async load(id) {
      if (id !== RESOLVED_ID) return null;
      this.addWatchFile(ENGINE_SOURCE);
      const [shared, single] = await Promise.all([engineBinaryNode('shared'), engineBinaryNode('single')]);
      const base64 = (bytes: Uint8Array): string => JSON.stringify(Buffer.from(bytes).toString('base64'));
      return `export const shared = ${base64(shared)};\nexport const single = ${base64(single)};\n`;
    },
  };
}

/**
 * Cross-origin isolation (COOP + COEP): the page may then share memory between workers, so the CPU
 * engine runs on every core. Static hosts need the same two headers (docs/cpu-engine.md).
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;
