/**
 * The command line: the page's pipeline without a page. A link (or a preset) in, a surface file out,
 * computed by the same engine rooms — on the GPU through the `webgpu` package (Dawn) when Node finds an
 * adapter, else on the CPU reference. `main` takes its arguments and output streams, so tests call it
 * directly; `npm run cli -- …` runs it.
 *
 *   npm run cli -- --preset wide-tanh --out wide.h5
 *   npm run cli -- --link "#data=moons&hidden=16&grid=65" --out moons.npy --cpu
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDigits, setDigitsTable } from '../data/digits';
import { needsLoading } from '../data/generators';
import { cpuBackend } from '../engine/cpuBackend';
import { gpuBackend } from '../engine/gpuBackend';
import { Engine } from '../engine/pipeline';
import { acquireGpu, type GpuContext } from '../gpu/device';
import { errorMessage } from '../model/errors';
import { describeSpec, paramLayout } from '../model/spec';
import { decodeLink } from '../state/presets';
import { clampState, encodeState } from '../state/urlCodec';
import { surfaceToCsv } from '../io/csv';
import { surfaceToH5 } from '../io/h5Surface';
import { surfaceToNpy } from '../io/npy';
import { markShard } from '../io/h5Shard';
import { computeShard, mergeMain, parseShard } from './shard';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const USAGE = `usage: npm run cli -- (--preset ID | --link "#hash") --out FILE [options]
       npm run cli -- --onnx MODEL.onnx --data DATA.npz --out FILE [options]   (your own model: --onnx --help)

  --preset ID     a preset of the gallery (e.g. uvx, wide-tanh, digits)
  --link HASH     a link's hash (the part after #); keys after a preset apply over it
  --out FILE      .h5 (loss-landscape layout + recipe), .npy (float32 grid) or .csv (alpha,beta,loss)
  --grid N        grid points a side (overrides the link)
  --span S        half-width of the plane in direction units (overrides the link)
  --shard K/N     compute only shard K (from 0) of N: every N-th block of 8 rows, a partial .h5
                  (other cells −1); then --merge SHARD.h5 … --out ALL.h5 joins the shards
  --cpu           use the CPU reference even when a GPU adapter is there
  --json          print the summary as one JSON line
  --help          this text`;

interface Args {
  /** The link's hash (a preset and keys), without '#'. */
  hash: string;
  out: string;
  grid?: string;
  span?: string;
  shard?: { index: number; count: number };
  cpu: boolean;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Args | { error: string } | 'help' {
  let preset: string | null = null;
  let link: string | null = null;
  const args: Partial<Args> = { cpu: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    const value = (): string | null => {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) return null;
      i++;
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--cpu':
        args.cpu = true;
        break;
      case '--json':
        args.json = true;
        break;
      case '--shard': {
        const v = value();
        if (v === null) return { error: '--shard needs a value K/N' };
        const shard = parseShard(v);
        if ('error' in shard) return shard;
        args.shard = shard;
        break;
      }
      case '--preset':
      case '--link':
      case '--out':
      case '--grid':
      case '--span': {
        const v = value();
        if (v === null) return { error: `${flag} needs a value` };
        if (flag === '--preset') preset = v;
        else if (flag === '--link') link = v.replace(/^#/, '');
        else if (flag === '--out') args.out = v;
        else if (flag === '--grid') args.grid = v;
        else args.span = v;
        break;
      }
      default:
        return { error: `unknown argument "${flag}"` };
    }
  }
  if (preset === null && link === null) return { error: 'give --preset ID or --link "#hash"' };
  if (args.out === undefined) return { error: 'give --out FILE (.h5, .npy or .csv)' };
  const ext = extname(args.out).toLowerCase();
  if (!['.h5', '.npy', '.csv'].includes(ext)) return { error: `--out ${args.out}: the file must end in .h5, .npy or .csv` };
  if (args.shard !== undefined && ext !== '.h5') return { error: `--out ${args.out}: a shard is written as .h5 (the file --merge reads)` };
  const parts = [preset === null ? '' : `preset=${encodeURIComponent(preset)}`, link ?? ''].filter((p) => p !== '');
  return {
    hash: parts.join('&'),
    out: args.out,
    cpu: args.cpu ?? false,
    json: args.json ?? false,
    ...(args.grid === undefined ? {} : { grid: args.grid }),
    ...(args.span === undefined ? {} : { span: args.span }),
    ...(args.shard === undefined ? {} : { shard: args.shard }),
  };
}

/** The GPU instance must outlive every device made from it (Dawn tears down the instance under live devices). */
const liveGpus: unknown[] = [];

/** A GPU in Node, or null (with the reason) when there is none. Keeps the instance alive while used. */
async function nodeAdapter(): Promise<{ ctx: GpuContext | null; keep: unknown; why: string }> {
  try {
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    const gpu = create([]);
    const ctx = await acquireGpu(gpu);
    return {
      ctx,
      keep: gpu,
      why: ctx ? '' : 'no WebGPU adapter found (for SwiftShader set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json)',
    };
  } catch (err) {
    return { ctx: null, keep: null, why: `WebGPU is not available in this Node (${errorMessage(err)})` };
  }
}

/** Runs the command line; resolves with the exit code (0 done, 1 failed, 2 bad arguments). */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--merge')) return mergeMain(argv, io);
  if (argv.includes('--onnx')) return (await import('./onnx')).onnxMain(argv, io);
  const parsed = parseArgs(argv);
  if (parsed === 'help') {
    io.out(USAGE);
    return 0;
  }
  if ('error' in parsed) {
    io.err(`${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  const link = decodeLink(parsed.hash);
  if (link.ignored.length > 0) io.err(link.ignored.map((l) => `note: ${l}`).join('\n'));
  if (parsed.hash.includes('preset=') && link.preset === null) return 2;
  const overrides = clampState(
    {
      plane: {
        ...(parsed.grid === undefined ? {} : { gridSize: parsed.grid }),
        ...(parsed.span === undefined ? {} : { span: parsed.span }),
      },
    },
    link.state,
  );
  if (overrides.ignored.length > 0) io.err(overrides.ignored.map((l) => `note: ${l}`).join('\n'));
  const state = overrides.state;
  if (state.flow !== '')
    io.err(
      `note: the link's flow (${state.flow.split(':')[0] ?? ''}) is a path view of the page; the command line writes the plane through θ₀`,
    );
  try {
    if (needsLoading(state.data.kind)) {
      const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'public', 'data', 'digits-8x8.bin');
      setDigitsTable(parseDigits(readFileSync(file)));
    }
    const gpu = parsed.cpu ? { ctx: null, keep: null, why: '--cpu' } : await nodeAdapter();
    if (gpu.ctx === null && !parsed.cpu) io.err(`note: ${gpu.why}; using the CPU reference`);
    const engine = new Engine({ gpu: gpu.ctx ? gpuBackend(gpu.ctx) : null, cpu: () => cpuBackend() });
    const signal = new AbortController().signal;
    const sharded = parsed.shard === undefined ? null : await computeShard(engine, state, parsed.shard, signal);
    const result = sharded?.result ?? (await engine.compute(state, signal, () => undefined));
    engine.dispose();
    for (const warning of result.warnings) io.err(`note: ${warning}`);
    const { surface, spec, data, theta, plane } = result;
    const { gridSize, span } = state.plane;
    const adapter = surface.adapter;
    const trainMs = surface.timings.trainMs;
    const gridMs = surface.timings.gridMs;
    const ext = extname(parsed.out).toLowerCase();
    const written =
      ext === '.h5'
        ? await surfaceToH5(surface, {
            spec,
            theta,
            directionX: plane.directionX,
            directionY: plane.directionY,
            x: data.x,
            y: data.y,
            seed: state.seed,
            stateHash: encodeState(state),
          })
        : ext === '.npy'
          ? surfaceToNpy(surface)
          : new TextEncoder().encode(surfaceToCsv(surface));
    const bytes = sharded === null ? written : await markShard(written, sharded.info);
    writeFileSync(parsed.out, bytes);
    const summary = {
      out: parsed.out,
      bytes: bytes.length,
      network: describeSpec(spec),
      params: paramLayout(spec).size,
      m: data.m,
      gridSize,
      span,
      centerLoss: surface.centerLoss,
      min: surface.min,
      max: surface.max,
      nonFinite: surface.nonFinite,
      adapter,
      trainSeconds: trainMs / 1000,
      gridSeconds: gridMs / 1000,
      link: `#${encodeState(state)}`,
      ...(sharded === null
        ? {}
        : { shard: `${sharded.info.index}/${sharded.info.count}`, shardRows: sharded.rows, blockRows: sharded.info.blockRows }),
    };
    if (parsed.json) io.out(JSON.stringify(summary));
    else {
      io.out(`${summary.network} · ${summary.params} params · m=${summary.m} · ${gridSize}² grid, span ${span}`);
      if (sharded !== null)
        io.out(
          `shard ${sharded.info.index}/${sharded.info.count}: ${sharded.rows} of ${gridSize} rows (blocks of ${sharded.info.blockRows}); other cells −1`,
        );
      io.out(
        `θ₀ loss ${surface.centerLoss.toPrecision(5)} · surface ${surface.min.toPrecision(4)} … ${surface.max.toPrecision(4)}${surface.nonFinite > 0 && sharded === null ? ` · ${surface.nonFinite} Inf/NaN` : ''}`,
      );
      io.out(`${adapter} · train ${summary.trainSeconds.toFixed(2)} s · grid ${summary.gridSeconds.toFixed(2)} s`);
      io.out(`wrote ${parsed.out} (${bytes.length} bytes); the same view in the app: ${summary.link}`);
    }
    liveGpus.push(gpu.keep);
    return 0;
  } catch (err) {
    io.err(`failed: ${errorMessage(err)}`);
    return 1;
  }
}
