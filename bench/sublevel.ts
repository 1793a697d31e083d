/**
 * Sublevel analysis timings on a 512² synthetic landscape (gaussian wells plus noise).
 * Run: `npx tsx bench/sublevel.ts`. Targets are for the 2-core development machine.
 */
import { pathToFileURL } from 'node:url';
import { contourSegments } from '../src/landscape/contours';
import { buildMergeTree } from '../src/landscape/mergeTree';
import { labelSublevel, SublevelLabeler } from '../src/landscape/sublevel';

export interface BenchResult {
  readonly name: string;
  /** Median wall time, milliseconds. */
  readonly ms: number;
  /** Target wall time, milliseconds. */
  readonly target: number;
}

const gridSize = 512;

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A bowl with 40 gaussian wells of random depth and width, plus a little uniform noise. */
export function syntheticLandscape(size: number, seed = 1): Float32Array {
  const random = mulberry32(seed);
  const wells = Array.from({ length: 40 }, () => ({
    x: random() * 2 - 1,
    y: random() * 2 - 1,
    depth: 0.2 + random(),
    width: 0.03 + 0.15 * random(),
  }));
  const values = new Float32Array(size * size);
  for (let iy = 0; iy < size; iy++) {
    const y = (2 * iy) / (size - 1) - 1;
    for (let ix = 0; ix < size; ix++) {
      const x = (2 * ix) / (size - 1) - 1;
      let v = 0.5 * (x * x + y * y);
      for (const w of wells) {
        const d2 = (x - w.x) ** 2 + (y - w.y) ** 2;
        v -= w.depth * Math.exp(-d2 / (2 * w.width * w.width));
      }
      values[iy * size + ix] = v + 0.01 * random();
    }
  }
  return values;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

function time(runs: number, body: () => void): number {
  body(); // warm-up: let the JIT compile before timing
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    body();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** Value below which the given fraction of cells lies. */
function quantile(values: Float32Array, fraction: number): number {
  const sorted = Float32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? NaN;
}

export function runSublevelBench(): BenchResult[] {
  const values = syntheticLandscape(gridSize);
  const results: BenchResult[] = [];
  const labeler = new SublevelLabeler(gridSize, gridSize);
  const out = new Int32Array(gridSize * gridSize);
  for (const fraction of [0.1, 0.5, 0.9]) {
    const level = quantile(values, fraction);
    for (const connectivity of [4, 8] as const) {
      results.push({
        name: `labelSublevel ${gridSize}² at the ${fraction * 100}% quantile, ${connectivity}-conn`,
        ms: time(20, () => labelSublevel(values, gridSize, gridSize, level, connectivity, out)),
        target: 16,
      });
    }
    results.push({
      name: `SublevelLabeler.label ${gridSize}² at the ${fraction * 100}% quantile, 8-conn`,
      ms: time(20, () => labeler.label(values, level, 8)),
      target: 16,
    });
  }
  for (const connectivity of [4, 8] as const) {
    results.push({
      name: `buildMergeTree ${gridSize}², ${connectivity}-conn`,
      ms: time(5, () => buildMergeTree(values, gridSize, gridSize, connectivity)),
      target: 200,
    });
  }
  const tree = buildMergeTree(values, gridSize, gridSize, 8);
  const random = mulberry32(7);
  const pairs = Int32Array.from({ length: 20_000 }, () => Math.floor(random() * gridSize * gridSize));
  results.push({
    name: `MergeTree.mergeLevel, 10 000 queries (${tree.minima.length} minima)`,
    ms: time(5, () => {
      for (let i = 0; i < pairs.length; i += 2) tree.mergeLevel(pairs[i] ?? 0, pairs[i + 1] ?? 0);
    }),
    target: 10,
  });
  const median50 = quantile(values, 0.5);
  results.push({
    name: `contourSegments ${gridSize}² at the 50% quantile`,
    ms: time(20, () => contourSegments(values, gridSize, gridSize, median50)),
    target: 16,
  });
  return results;
}

function markdownTable(results: readonly BenchResult[]): string {
  const rows = results.map((r) => `| ${r.name} | ${r.ms.toFixed(2)} | ${r.target} | ${r.ms <= r.target ? 'yes' : 'NO'} |`);
  return ['| benchmark | median ms | target ms | met |', '|---|---:|---:|---|', ...rows].join('\n');
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  // No top-level await, so that the module also loads where it is compiled to CommonJS.
  console.log(markdownTable(runSublevelBench()));
}
