/**
 * The command line for a model of one's own: `--onnx model.onnx [--onnx b.onnx [--onnx bend.onnx]]
 * --data data.npz [--directions dir.h5] [--loss L] --grid N --out surface.h5`. The same engine rooms
 * as the page (src/engine/ownModel.ts) on onnxruntime-web's wasm provider in Node, with the page's
 * seeded directions, so it writes the page's numbers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { cpuBackend } from '../engine/cpuBackend';
import { onnxData } from '../engine/onnxModel';
import { openOwnModel, ownModelView, type OwnView } from '../engine/ownModel';
import { Engine } from '../engine/pipeline';
import { surfaceToCsv } from '../io/csv';
import { surfaceToNpy } from '../io/npy';
import { parseNpz } from '../io/npz';
import { onnxSurfaceToH5, parseDirectionsH5 } from '../io/onnxH5';
import { errorMessage } from '../model/errors';
import { LOSSES, type LossKind } from '../model/spec';
import { defaultState } from '../state/appState';
import type { CliIo } from './landscape';

const DEFAULTS = defaultState();

export const ONNX_USAGE = `usage: npm run cli -- --onnx MODEL.onnx --data DATA.npz --out FILE [options]

  --onnx FILE        an ONNX model (give it 2 or 3 times: checkpoints A, B — or A, bend, B)
  --data FILE        .npz with arrays x (inputs, samples first) and y (class indices or targets)
  --directions FILE  a loss-landscape direction file (.h5 with xdirection/ydirection) for the plane
  --loss L           cross_entropy | mse | bce (default: from the outputs and y)
  --out FILE         .h5 (loss-landscape layout + recipe with the model's SHA-256), .npy or .csv
  --grid N           grid points a side (default ${DEFAULTS.plane.gridSize})
  --span S           half-width of the plane in direction units (default ${DEFAULTS.plane.span})
  --seed S           seed of the random directions (default ${DEFAULTS.seed}, as the page)
  --keep-bias        move biases and BatchNorm weights too (zero in the directions by default)
  --json             print the summary as one JSON line`;

interface OnnxArgs {
  onnx: string[];
  data: string;
  out: string;
  directions: string | null;
  loss: LossKind | null;
  grid: number;
  span: number;
  seed: number;
  keepBias: boolean;
  json: boolean;
}

function parseArgs(argv: readonly string[]): OnnxArgs | { error: string } | 'help' {
  const a: Partial<OnnxArgs> & { onnx: string[] } = { onnx: [], keepBias: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    if (flag === '--help' || flag === '-h') return 'help';
    if (flag === '--keep-bias') {
      a.keepBias = true;
      continue;
    }
    if (flag === '--json') {
      a.json = true;
      continue;
    }
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) return { error: `${flag} needs a value` };
    i++;
    const num = (what: string, lo: number, hi: number, int: boolean): number | { error: string } => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < lo || n > hi || (int && !Number.isInteger(n)))
        return { error: `${what} ${v}: give ${int ? 'an integer' : 'a number'} in ${lo}…${hi}` };
      return n;
    };
    switch (flag) {
      case '--onnx':
        a.onnx.push(v);
        break;
      case '--data':
        a.data = v;
        break;
      case '--out':
        a.out = v;
        break;
      case '--directions':
        a.directions = v;
        break;
      case '--loss':
        if (!(LOSSES as readonly string[]).includes(v)) return { error: `--loss ${v}: give one of ${LOSSES.join(', ')}` };
        a.loss = v as LossKind;
        break;
      case '--grid':
      case '--span':
      case '--seed': {
        const n =
          flag === '--grid'
            ? num('--grid', 2, 1025, true)
            : flag === '--span'
              ? num('--span', 1e-6, 1e6, false)
              : num('--seed', 0, 2 ** 31, true);
        if (typeof n !== 'number') return n;
        if (flag === '--grid') a.grid = n;
        else if (flag === '--span') a.span = n;
        else a.seed = n;
        break;
      }
      default:
        return { error: `unknown argument "${flag}"` };
    }
  }
  if (a.onnx.length === 0 || a.onnx.length > 3) return { error: 'give --onnx MODEL.onnx once (or 2–3 times for checkpoints)' };
  if (a.data === undefined) return { error: 'give --data DATA.npz' };
  if (a.out === undefined) return { error: 'give --out FILE (.h5, .npy or .csv)' };
  const ext = extname(a.out).toLowerCase();
  if (!['.h5', '.npy', '.csv'].includes(ext)) return { error: `--out ${a.out}: the file must end in .h5, .npy or .csv` };
  if (a.directions !== undefined && a.onnx.length > 1)
    return { error: '--directions applies to one model; checkpoints make their own plane' };
  return {
    onnx: a.onnx,
    data: a.data,
    out: a.out,
    directions: a.directions ?? null,
    loss: a.loss ?? null,
    grid: a.grid ?? DEFAULTS.plane.gridSize,
    span: a.span ?? DEFAULTS.plane.span,
    seed: a.seed ?? DEFAULTS.seed,
    keepBias: a.keepBias ?? false,
    json: a.json ?? false,
  };
}

/** Runs the ONNX command line; resolves with the exit code (0 done, 1 failed, 2 bad arguments). */
export async function onnxMain(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed === 'help') {
    io.out(ONNX_USAGE);
    return 0;
  }
  if ('error' in parsed) {
    io.err(`${parsed.error}\n\n${ONNX_USAGE}`);
    return 2;
  }
  const engine = new Engine({ gpu: null, cpu: () => cpuBackend('onnxruntime-web (wasm)') });
  try {
    const files = parsed.onnx.map((path) => ({ name: basename(path), bytes: new Uint8Array(readFileSync(path)) }));
    const npz = parseNpz(new Uint8Array(readFileSync(parsed.data)));
    if (!npz.ok) throw new Error(npz.error);
    let directions = null;
    if (parsed.directions !== null) {
      const d = await parseDirectionsH5(new Uint8Array(readFileSync(parsed.directions)));
      if (!d.ok) throw new Error(d.error);
      directions = d.value;
    }
    const own = await openOwnModel(files, onnxData(npz.value), parsed.loss ?? undefined);
    const warnings: string[] = [];
    const opts = { seed: parsed.seed, filterNormalize: true, keepBias: parsed.keepBias, gridSize: parsed.grid, span: parsed.span };
    const view: OwnView = await ownModelView(engine, own, opts, directions, new AbortController().signal, () => undefined, warnings);
    await own.model.dispose();
    for (const w of warnings) io.err(`note: ${w}`);
    const { surface } = view;
    const ext = extname(parsed.out).toLowerCase();
    const bytes =
      ext === '.h5'
        ? await onnxSurfaceToH5(surface, {
            files: own.files.map((f) => ({ name: f.name, sha256: f.sha256 })),
            dataName: basename(parsed.data),
            loss: own.model.loss,
            samples: own.model.sampleCount,
            theta: view.plane.center,
            directionX: view.plane.directionX,
            directionY: view.plane.directionY,
            segments: own.model.layout.segments,
          })
        : ext === '.npy'
          ? surfaceToNpy(surface)
          : new TextEncoder().encode(surfaceToCsv(surface));
    writeFileSync(parsed.out, bytes);
    const summary = {
      out: parsed.out,
      bytes: bytes.length,
      model: own.files.map((f) => f.name).join(' + '),
      sha256: own.files.map((f) => f.sha256),
      params: own.model.layout.size,
      loss: own.model.loss,
      m: own.model.sampleCount,
      gridSize: surface.gridSize,
      span: surface.span,
      centerLoss: surface.centerLoss,
      min: surface.min,
      max: surface.max,
      nonFinite: surface.nonFinite,
      adapter: surface.adapter,
      gridSeconds: surface.timings.gridMs / 1000,
      directions: view.kind === 'plane' ? view.directionsFrom : 'checkpoints',
      ...(view.kind === 'path'
        ? { lineBarrier: view.lineBarrier, ...(view.chainBarrier !== undefined ? { chainBarrier: view.chainBarrier } : {}) }
        : {}),
    };
    if (parsed.json) io.out(JSON.stringify(summary));
    else {
      io.out(
        `${summary.model} · ${summary.params} params · ${summary.loss} · m=${summary.m} · ${surface.gridSize}² grid, span ${surface.span}`,
      );
      io.out(`θ₀ loss ${surface.centerLoss.toPrecision(6)} · surface ${surface.min.toPrecision(4)} … ${surface.max.toPrecision(4)}`);
      if (view.kind === 'path')
        io.out(
          `line barrier ${view.lineBarrier.toPrecision(4)}${view.chainBarrier !== undefined ? ` · chain barrier ${view.chainBarrier.toPrecision(4)}` : ''}`,
        );
      io.out(`${surface.adapter} · grid ${summary.gridSeconds.toFixed(2)} s`);
      io.out(`wrote ${parsed.out} (${bytes.length} bytes)`);
    }
    return 0;
  } catch (err) {
    io.err(`failed: ${errorMessage(err)}`);
    return 1;
  } finally {
    engine.dispose();
  }
}
