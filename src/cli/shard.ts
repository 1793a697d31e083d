/**
 * Grids larger than one machine: `--shard K/N` computes every N-th block of SHARD_BLOCK_ROWS rows (shard
 * K holds the blocks b with b mod N = K, K from 0) through the engine and writes a loss-landscape-style
 * partial `.h5`; `--merge a.h5 b.h5 … --out all.h5` checks that the shards share one recipe and one
 * split, that none is missing or overlaps another, and writes the whole surface. Any scheduler that
 * hands out an index (a Slurm job array, a Kubernetes indexed Job, xargs) can run the shards.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Backend } from '../engine/backend';
import type { Engine, PipelineResult } from '../engine/pipeline';
import { squarePoints } from '../engine/levels';
import { computedSurface } from '../engine/surface';
import type { SurfaceRecipe } from '../io/gridData';
import { readShardInfo, shardBlocks, shardOwnsRow, type ShardInfo } from '../io/h5Shard';
import { parseH5Surface, surfaceToH5 } from '../io/h5Surface';
import { errorMessage } from '../model/errors';
import type { AppState } from '../state/appState';
import type { CliIo } from './landscape';

/** Rows per block: small enough that N shards share a grid evenly, large enough for a GPU dispatch. */
export const SHARD_BLOCK_ROWS = 8;

export const MERGE_USAGE = `usage: npm run cli -- --merge SHARD.h5 SHARD.h5 … --out ALL.h5 [--json]`;

/** "K/N" with 0 ≤ K < N. */
export function parseShard(text: string): { index: number; count: number } | { error: string } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index >= count)
    return { error: `--shard ${text}: give K/N with 0 ≤ K < N (K counts from 0, as $SLURM_ARRAY_TASK_ID and $JOB_COMPLETION_INDEX do)` };
  return { index, count };
}

/**
 * The shard's rows of the state's surface. θ₀ and the plane come from the engine's own stages (it computes
 * them with a 3² surface, the least it draws); the rows go through the engine's grid, block by block, with
 * the same points a one-process run computes. Cells of other shards are NaN (−1 in the file).
 */
export async function computeShard(
  engine: Engine,
  state: AppState,
  shard: { index: number; count: number },
  signal: AbortSignal,
): Promise<{ result: PipelineResult; info: ShardInfo; rows: number }> {
  const { gridSize, span } = state.plane;
  const info: ShardInfo = { ...shard, blockRows: SHARD_BLOCK_ROWS, span };
  const blocks = shardBlocks(info, gridSize);
  const blockCount = Math.ceil(gridSize / SHARD_BLOCK_ROWS);
  if (blocks.length === 0)
    throw new Error(
      `shard ${shard.index}/${shard.count} has no rows: a ${gridSize}² grid has ${blockCount} blocks of ${SHARD_BLOCK_ROWS} rows, so use N ≤ ${blockCount}`,
    );
  const base = await engine.compute({ ...state, plane: { ...state.plane, gridSize: 3 } }, signal, () => undefined);
  const points = squarePoints(base.plane, gridSize, span);
  const loss = new Float32Array(gridSize * gridSize).fill(Number.NaN);
  const accuracy = base.model.classifier ? new Float32Array(gridSize * gridSize).fill(Number.NaN) : undefined;
  const warnings: string[] = [];
  let backend: Pick<Backend, 'kind' | 'label'> = { kind: 'cpu', label: '' };
  let rows = 0;
  const t0 = performance.now();
  for (const block of blocks) {
    const ran = await engine.grid(base.model, { ...points, rows: block.rows, firstRow: block.rowStart }, signal, () => undefined);
    loss.set(ran.value.loss, block.rowStart * gridSize);
    if (accuracy && ran.value.accuracy) accuracy.set(ran.value.accuracy, block.rowStart * gridSize);
    backend = { kind: ran.backend.kind, label: ran.backend.label };
    warnings.push(...ran.warnings);
    rows += block.rows;
  }
  const surface = computedSurface({
    gridSize,
    span,
    result: accuracy ? { loss, accuracy } : { loss },
    centerLoss: base.surface.centerLoss,
    backend,
    gridMs: performance.now() - t0,
    trainMs: base.trainMs,
  });
  return { result: { ...base, surface, warnings: [...base.warnings, ...warnings] }, info, rows };
}

interface ShardFile {
  readonly name: string;
  readonly info: ShardInfo;
  readonly recipe: SurfaceRecipe;
  readonly nx: number;
  readonly ny: number;
  readonly alphas: Float64Array;
  readonly betas: Float64Array;
  readonly loss: Float32Array;
  readonly accuracy: Float32Array | undefined;
}

async function readShard(name: string, bytes: Uint8Array): Promise<ShardFile | string> {
  const grid = await parseH5Surface(bytes);
  if (!grid.ok) return `${name}: ${grid.error}`;
  const info = await readShardInfo(bytes);
  if (!info.ok) return `${name}: ${info.error}`;
  if (info.value === null || grid.value.recipe === undefined)
    return `${name} is not a shard: it has no shard attributes (write shards with npm run cli -- … --shard K/N --out FILE.h5)`;
  const { nx, ny, alphas, betas, loss, accuracy, recipe } = grid.value;
  return { name, info: info.value, recipe, nx, ny, alphas, betas, loss, accuracy };
}

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** The first way shard `b` differs from shard `a` in recipe or split, or null. */
function recipeDifference(a: ShardFile, b: ShardFile): string | null {
  const checks: [string, boolean][] = [
    ['the split (shard count)', a.info.count === b.info.count],
    ['the split (rows per block)', a.info.blockRows === b.info.blockRows],
    ['the grid size', a.nx === b.nx && a.ny === b.ny],
    ['the span', a.info.span === b.info.span && sameArray(a.alphas, b.alphas) && sameArray(a.betas, b.betas)],
    ['the network', JSON.stringify(a.recipe.spec) === JSON.stringify(b.recipe.spec)],
    ['the seed', a.recipe.seed === b.recipe.seed],
    ['the link (state)', a.recipe.stateHash === b.recipe.stateHash],
    ['θ₀', sameArray(a.recipe.theta, b.recipe.theta)],
    ['the directions', sameArray(a.recipe.directionX, b.recipe.directionX) && sameArray(a.recipe.directionY, b.recipe.directionY)],
    ['the data', sameArray(a.recipe.x, b.recipe.x) && sameArray(a.recipe.y, b.recipe.y)],
  ];
  const differ = checks.find(([, same]) => !same);
  return differ === undefined ? null : differ[0];
}

/** Merges shard files into one surface `.h5`; an error message for anything that does not fit. */
export async function mergeShards(
  files: readonly { name: string; bytes: Uint8Array }[],
): Promise<{ bytes: Uint8Array; shards: number; gridSize: number } | { error: string }> {
  if (files.length === 0) return { error: 'give the shard files to merge' };
  const shards: ShardFile[] = [];
  for (const f of files) {
    const s = await readShard(f.name, f.bytes);
    if (typeof s === 'string') return { error: s };
    shards.push(s);
  }
  const [first] = shards;
  if (first === undefined) return { error: 'give the shard files to merge' };
  for (const s of shards.slice(1)) {
    const differ = recipeDifference(first, s);
    if (differ !== null) return { error: `${first.name} and ${s.name} are shards of different surfaces: ${differ} differs` };
  }
  const { count, blockRows, span } = first.info;
  const { nx, ny } = first;
  if (nx !== ny) return { error: `${first.name}: a ${nx} × ${ny} grid; shards of this tool are square` };
  const byIndex = new Map<number, ShardFile>();
  for (const s of shards) {
    const other = byIndex.get(s.info.index);
    if (other !== undefined) return { error: `${other.name} and ${s.name} overlap: both are shard ${s.info.index}/${count}` };
    byIndex.set(s.info.index, s);
  }
  const blockCount = Math.ceil(ny / blockRows);
  const needed = Array.from({ length: Math.min(count, blockCount) }, (_, k) => k);
  const missing = needed.filter((k) => !byIndex.has(k));
  if (missing.length > 0)
    return {
      error: `shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} missing: merge needs all ${needed.length} shard files of the split`,
    };
  const loss = new Float32Array(nx * ny).fill(Number.NaN);
  const accuracy = first.accuracy !== undefined ? new Float32Array(nx * ny).fill(Number.NaN) : undefined;
  for (const s of shards) {
    for (let iy = 0; iy < ny; iy++) {
      const own = shardOwnsRow(s.info, iy);
      const row = s.loss.subarray(iy * nx, (iy + 1) * nx);
      if (!own) {
        if (row.some((v) => !Number.isNaN(v)))
          return {
            error: `${s.name} (shard ${s.info.index}/${count}) has values in row ${iy}, which belongs to shard ${Math.floor(iy / blockRows) % count}: the shards overlap`,
          };
        continue;
      }
      loss.set(row, iy * nx);
      if (accuracy && s.accuracy) accuracy.set(s.accuracy.subarray(iy * nx, (iy + 1) * nx), iy * nx);
    }
  }
  const surface = computedSurface({
    gridSize: nx,
    span,
    result: accuracy ? { loss, accuracy } : { loss },
    centerLoss: Number.NaN,
    backend: { kind: 'cpu', label: `merged from ${shards.length} shards` },
    gridMs: 0,
    trainMs: 0,
  });
  if (!sameArray(Float64Array.from(surface.alphas), first.alphas) || !sameArray(Float64Array.from(surface.betas), first.betas))
    return { error: `${first.name}: its coordinates are not the ${nx}² grid over ±${span} that its shard attributes describe` };
  return { bytes: await surfaceToH5(surface, first.recipe), shards: shards.length, gridSize: nx };
}

/** `npm run cli -- --merge a.h5 b.h5 … --out all.h5`: exit 0 merged, 1 shards that do not fit, 2 bad arguments. */
export async function mergeMain(argv: readonly string[], io: CliIo): Promise<number> {
  const inputs: string[] = [];
  let out: string | null = null;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--merge') {
      while (i + 1 < argv.length && !(argv[i + 1] ?? '').startsWith('--')) inputs.push(argv[++i] ?? '');
    } else if (a === '--out') {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) {
        io.err(`--out needs a value\n\n${MERGE_USAGE}`);
        return 2;
      }
      out = v;
      i++;
    } else if (a === '--json') json = true;
    else {
      io.err(`--merge takes shard files, --out and --json only; "${a}" is not one of them\n\n${MERGE_USAGE}`);
      return 2;
    }
  }
  if (inputs.length === 0 || out === null) {
    io.err(`${inputs.length === 0 ? 'give the shard files after --merge' : 'give --out FILE.h5'}\n\n${MERGE_USAGE}`);
    return 2;
  }
  if (extname(out).toLowerCase() !== '.h5') {
    io.err(`--out ${out}: a merged surface is written as .h5\n\n${MERGE_USAGE}`);
    return 2;
  }
  const files: { name: string; bytes: Uint8Array }[] = [];
  for (const name of inputs) {
    try {
      files.push({ name: basename(name), bytes: readFileSync(name) });
    } catch (err) {
      io.err(`failed: cannot read ${name} (${errorMessage(err)})`);
      return 1;
    }
  }
  const merged = await mergeShards(files);
  if ('error' in merged) {
    io.err(`failed: ${merged.error}`);
    return 1;
  }
  writeFileSync(out, merged.bytes);
  if (json) io.out(JSON.stringify({ out, bytes: merged.bytes.length, shards: merged.shards, gridSize: merged.gridSize }));
  else io.out(`merged ${merged.shards} shards into ${out} (${merged.gridSize}² grid, ${merged.bytes.length} bytes)`);
  return 0;
}
