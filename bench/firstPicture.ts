/**
 * Time to the first picture and to the final grid, coarse to fine, against one single pass of the same
 * grid on the same backend: the default page and the digits preset, in Node through the engine (Dawn's
 * WebGPU over whatever Vulkan driver it finds — SwiftShader on machines without a GPU — and the CPU
 * reference for the default page). Run by `npm run bench` (bench/run.ts) or `npx tsx bench/firstPicture.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDigits, setDigitsTable } from '../src/data/digits';
import type { Backend } from '../src/engine/backend';
import { cpuBackend } from '../src/engine/cpuBackend';
import { gpuBackend } from '../src/engine/gpuBackend';
import { squarePoints } from '../src/engine/levels';
import { Engine } from '../src/engine/pipeline';
import { defaultState, type AppState } from '../src/state/appState';
import { decodeLink } from '../src/state/presets';
import { nodeGpuContext } from './nodeGpu';

export interface FirstPictureResult {
  readonly name: string;
  readonly adapter: string;
  readonly trainS: number;
  /** From the end of training. */
  readonly firstPictureS: number;
  readonly firstSize: number;
  readonly finalS: number;
  readonly singlePassS: number;
}

async function measure(name: string, state: AppState, backend: Backend): Promise<FirstPictureResult> {
  const engine = new Engine({
    gpu: backend.kind === 'webgpu' ? backend : null,
    cpu: () => (backend.kind === 'cpu' ? backend : cpuBackend()),
  });
  const signal = new AbortController().signal;
  const result = await engine.compute(state, signal, () => undefined);
  const first = result.timeline[0];
  const last = result.timeline[result.timeline.length - 1];
  const t0 = performance.now();
  await backend.lossGrid(result.model, squarePoints(result.plane, state.plane.gridSize, state.plane.span), { signal });
  const singlePassS = (performance.now() - t0) / 1000;
  return {
    name,
    adapter: backend.label,
    trainS: result.trainMs / 1000,
    firstPictureS: (first?.ms ?? NaN) / 1000,
    firstSize: first?.gridSize ?? 0,
    finalS: (last?.ms ?? NaN) / 1000,
    singlePassS,
  };
}

export async function runFirstPictureBench(): Promise<FirstPictureResult[]> {
  setDigitsTable(parseDigits(readFileSync(join(import.meta.dirname, '..', 'public', 'data', 'digits-8x8.bin'))));
  const ctx = await nodeGpuContext();
  const results: FirstPictureResult[] = [];
  const digits = decodeLink('#preset=digits&grid=129').state;
  if (ctx !== null) {
    const gpu = gpuBackend(ctx);
    results.push(await measure('default page (2-32-32-1 tanh, m = 256, 129²)', defaultState(), gpu));
    results.push(await measure('digits preset (64-32-10 tanh, m = 1,797, 129²)', digits, gpu));
    gpu.dispose();
  }
  results.push(await measure('default page (2-32-32-1 tanh, m = 256, 129²)', defaultState(), cpuBackend()));
  return results;
}

export function firstPictureTable(results: readonly FirstPictureResult[]): string {
  const f = (v: number): string => v.toFixed(2);
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.adapter} | ${f(r.trainS)} | ${f(r.firstPictureS)} (${r.firstSize}²) | ${f(r.finalS)} | ${f(r.singlePassS)} | ` +
      `${(100 * (r.finalS / r.singlePassS - 1)).toFixed(0)} % |`,
  );
  return [
    '## Coarse to fine (Node, the engine)',
    '',
    '| surface | adapter | train θ₀ s | first picture s (after θ₀) | final grid s | one single pass s | final vs single pass |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(firstPictureTable(await runFirstPictureBench()));
}
