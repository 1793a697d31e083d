/**
 * Picking the fastest grid engine on this device. At first use a short calibration times every candidate
 * (the WGSL grid kernel variants of src/gpu/lossGridVariants.ts on the GPU, and the CPU engine) on a few
 * small synthetic workloads of different sizes, after one warm-up each, and checks each candidate's losses
 * against the float64 twin (relative 1e-3): a candidate that throws or gives other numbers is skipped with
 * a notice and never used. The measured rates (grid points per second at a workload size) are kept per
 * adapter and engine version; a grid job then goes to the engine with the best rate interpolated at its size.
 *
 * No DOM here: the page keeps the result in localStorage (any `CalibrationStorage`), Node in memory.
 */
import { lossGridCpu } from '../gpu/lossGrid.cpu';
import type { GridResult } from '../gpu/lossGrid.types';
import { AbortError } from '../gpu/lossGrid.types';
import { gridVariantIds } from '../gpu/lossGridVariants';
import { initParams } from '../model/init';
import { errorMessage } from '../model/errors';
import { Rng } from '../model/rng';
import type { Samples } from '../model/samples';
import { paramLayout, type MlpSpec } from '../model/spec';
import type { LandscapeModel, PlanePoints } from './model';

/** Bumped when an engine changes enough to make kept calibrations stale. */
export const CALIBRATION_VERSION = 1;

/** A grid engine: the CPU engine ('cpu') or a WGSL kernel variant on the GPU ('gpu-<variant>'). */
export type EngineId = string;

/** What the page runs grids on: picked by calibration ('auto'), the best GPU variant ('gpu'), or one engine (an EngineId). */
export type EngineChoice = string;

export const CPU_ENGINE: EngineId = 'cpu';

export function gpuEngineId(variant: string): EngineId {
  return `gpu-${variant}`;
}

/** The GPU variant of an engine id, or null for the CPU engine. */
export function variantOf(engine: EngineId): string | null {
  return engine.startsWith('gpu-') ? engine.slice(4) : null;
}

/** Every choice a link, the panel or the console may name. */
export function engineChoices(): EngineChoice[] {
  return ['auto', 'gpu', ...gridVariantIds().map(gpuEngineId), CPU_ENGINE];
}

export function isEngineChoice(value: unknown): boolean {
  return typeof value === 'string' && engineChoices().includes(value);
}

/** Multiply-adds per (grid point, sample) of the grid engines (the first layer factorised: 2 per unit). */
export function workPerSample(spec: MlpSpec): number {
  const widths = [spec.inputs, ...spec.hidden, spec.outputs];
  let macs = 2 * (widths[1] ?? 0);
  for (let l = 1; l + 1 < widths.length; l++) macs += (widths[l] ?? 0) * (widths[l + 1] ?? 0);
  return macs;
}

/** The size measure rates are interpolated in: multiply-adds per grid point (per sample × samples). */
export function workloadSize(spec: MlpSpec, samples: number): number {
  return workPerSample(spec) * samples;
}

/** The size of a model's grid points, or null where the engines cannot be chosen (a model of one's own). */
export function modelSize(model: LandscapeModel): number | null {
  if (model.recipe.kind !== 'mlp') return null;
  return workloadSize(model.recipe.spec, model.sampleCount);
}

export interface CalibrationWorkload {
  readonly id: string;
  readonly spec: MlpSpec;
  readonly samples: Samples;
  /** The timed grid is gridSize²; the warm-up and the check a 3² grid. */
  readonly gridSize: number;
}

/** Synthetic data: seeded inputs in [−1, 1], targets that fit the loss. */
function syntheticSamples(spec: MlpSpec, m: number, seed: number): Samples {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: m * spec.inputs }, () => rng.range(-1, 1));
  const y =
    spec.loss === 'mse'
      ? Float32Array.from({ length: m * spec.outputs }, () => rng.range(-1, 1))
      : Float32Array.from({ length: m }, () => (spec.loss === 'bce' ? rng.int(2) : rng.int(spec.outputs)));
  return { m, inputs: spec.inputs, x, y };
}

/**
 * Two small workloads, a few ms each on a CPU: the default page's network (2-32-32-1 tanh, m = 256) and a
 * wide classifier (16-64-64-10 relu, cross-entropy, m = 256), about 4× more work per point. Two only: on a
 * software adapter most of a calibration is compiling each network's pipeline.
 */
export function calibrationWorkloads(): CalibrationWorkload[] {
  const toy: MlpSpec = { inputs: 2, hidden: [32, 32], outputs: 1, activation: 'tanh', loss: 'mse', bias: true };
  const wide: MlpSpec = { inputs: 16, hidden: [64, 64], outputs: 10, activation: 'relu', loss: 'cross_entropy', bias: true };
  return [
    { id: 'toy', spec: toy, samples: syntheticSamples(toy, 256, 12), gridSize: 7 },
    { id: 'wide', spec: wide, samples: syntheticSamples(wide, 256, 13), gridSize: 5 },
  ];
}

/** A plane through seeded weights with seeded directions, over [−1, 1]² on a gridSize² grid. */
export function workloadPoints(w: CalibrationWorkload, gridSize: number): PlanePoints {
  const size = paramLayout(w.spec).size;
  const rng = new Rng(97);
  const direction = (): Float32Array => Float32Array.from({ length: size }, () => 0.3 * rng.normal());
  const step = gridSize > 1 ? 2 / (gridSize - 1) : 0;
  return {
    center: initParams(w.spec, 5),
    directionX: direction(),
    directionY: direction(),
    gridSize,
    alphaStart: -1,
    alphaStep: step,
    betaStart: -1,
    betaStep: step,
  };
}

export interface Measurement {
  readonly engine: EngineId;
  /** workloadSize of the workload. */
  readonly size: number;
  readonly pointsPerSecond: number;
}

export interface Calibration {
  readonly version: number;
  /** The adapter (and CPU engine) it was measured on: the cache key's own words. */
  readonly device: string;
  readonly measured: readonly Measurement[];
  /** Candidates skipped: they threw or gave other numbers than the float64 twin. */
  readonly failed: readonly { readonly engine: EngineId; readonly reason: string }[];
  /** Wall time of the calibration, ms. */
  readonly ms: number;
  /** When it was measured (ms since 1970). */
  readonly at: number;
}

/** A candidate engine: runs a grid of a model on its device. */
export interface Candidate {
  readonly engine: EngineId;
  readonly label: string;
  lossGrid(model: LandscapeModel, points: PlanePoints, signal: AbortSignal): Promise<GridResult>;
  /** Whether the engine can compute a network at all (absent: every one); a workload it cannot is not measured. */
  fits?(spec: MlpSpec): boolean;
}

export interface CalibrateOptions {
  readonly device: string;
  readonly signal?: AbortSignal;
  /** Builds the model of a workload (mlpModel; a parameter so this file needs no kernels). */
  readonly model: (spec: MlpSpec, samples: Samples) => LandscapeModel;
  readonly workloads?: readonly CalibrationWorkload[];
  /** Timed runs per workload and candidate (the fastest counts). */
  readonly repeats?: number;
  readonly now?: () => number;
}

/** A timed grid longer than this (ms) is not repeated. */
const SLOW_MS = 50;

/** Relative agreement the candidates must reach with the float64 twin. */
export const CALIBRATION_TOLERANCE = 1e-3;

/** Why a grid differs from the reference (null: it agrees within CALIBRATION_TOLERANCE). */
export function gridMismatch(got: GridResult, want: GridResult): string | null {
  if (got.loss.length !== want.loss.length) return `${got.loss.length} values for ${want.loss.length} points`;
  for (let i = 0; i < want.loss.length; i++) {
    const g = got.loss[i] ?? Number.NaN;
    const w = want.loss[i] ?? Number.NaN;
    const rel = Math.abs(g - w) / Math.max(Math.abs(w), 1e-6);
    if (!(rel <= CALIBRATION_TOLERANCE)) return `loss ${g} where the float64 reference gives ${w} at point ${i}`;
  }
  return null;
}

/**
 * Time every candidate on every workload (a 3² warm-up checked against the float64 twin, then the timed
 * grid). A candidate that throws or disagrees is recorded in `failed` and measured no further.
 */
export async function calibrate(candidates: readonly Candidate[], opts: CalibrateOptions): Promise<Calibration> {
  const now = opts.now ?? (() => performance.now());
  const signal = opts.signal ?? new AbortController().signal;
  const workloads = opts.workloads ?? calibrationWorkloads();
  const repeats = Math.max(1, opts.repeats ?? 2);
  const start = now();
  const measured: Measurement[] = [];
  const failed: { engine: EngineId; reason: string }[] = [];
  // The float64 reference of each workload's 3² check, computed when first needed: in the page it runs on the
  // main thread, so one short task per workload rather than one longer one.
  const checks: ({ points: PlanePoints; want: GridResult } | undefined)[] = [];
  const checkOf = (i: number, w: CalibrationWorkload): { points: PlanePoints; want: GridResult } => {
    let check = checks[i];
    if (check === undefined) {
      const points = workloadPoints(w, 3);
      check = { points, want: lossGridCpu({ spec: w.spec, samples: w.samples, ...points }) };
      checks[i] = check;
    }
    return check;
  };
  for (const c of candidates) {
    const mine: Measurement[] = [];
    try {
      for (const [i, w] of workloads.entries()) {
        if (c.fits?.(w.spec) === false) continue;
        const model = opts.model(w.spec, w.samples);
        const check = checkOf(i, w);
        const warm = await c.lossGrid(model, check.points, signal);
        const wrong = gridMismatch(warm, check.want);
        if (wrong !== null) throw new Error(`wrong numbers on the ${w.id} workload: ${wrong}`);
        const points = workloadPoints(w, w.gridSize);
        let best = Infinity;
        for (let r = 0; r < repeats; r++) {
          const t0 = now();
          await c.lossGrid(model, points, signal);
          best = Math.min(best, now() - t0);
          // A slow candidate is timed once: its rate is clear, and the page waits for the calibration.
          if (best > SLOW_MS) break;
        }
        mine.push({
          engine: c.engine,
          size: workloadSize(w.spec, w.samples.m),
          pointsPerSecond: (w.gridSize * w.gridSize * 1000) / Math.max(best, 1e-3),
        });
      }
      measured.push(...mine);
    } catch (err) {
      if (signal.aborted || err instanceof AbortError) throw err;
      failed.push({ engine: c.engine, reason: errorMessage(err) });
    }
  }
  return { version: CALIBRATION_VERSION, device: opts.device, measured, failed, ms: now() - start, at: Date.now() };
}

/**
 * Points per second of an engine at a workload size: interpolated in log–log between the sizes measured,
 * the nearest measurement's rate scaled by size outside them (the work per point grows with the size).
 * Null when the engine was not measured.
 */
export function estimateRate(cal: Calibration, engine: EngineId, size: number): number | null {
  const rows = cal.measured.filter((m) => m.engine === engine && m.pointsPerSecond > 0 && m.size > 0).sort((a, b) => a.size - b.size);
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first === undefined || last === undefined) return null;
  const s = Math.max(size, 1);
  if (s <= first.size) return first.pointsPerSecond;
  if (s >= last.size) return (last.pointsPerSecond * last.size) / s;
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1];
    const b = rows[i];
    if (a === undefined || b === undefined || s > b.size) continue;
    const t = Math.log(s / a.size) / Math.log(b.size / a.size);
    return Math.exp((1 - t) * Math.log(a.pointsPerSecond) + t * Math.log(b.pointsPerSecond));
  }
  return last.pointsPerSecond;
}

export interface Pick {
  readonly engine: EngineId;
  /** Estimated points per second of the engine picked, and of the best other engine (null: none measured). */
  readonly rate: number;
  readonly runnerUp: { readonly engine: EngineId; readonly rate: number } | null;
}

/** The engine with the best estimated rate at `size` among `engines` (failed ones never), or null when none was measured. */
export function pickEngine(cal: Calibration, engines: readonly EngineId[], size: number): Pick | null {
  const usable = engines.filter((e) => !cal.failed.some((f) => f.engine === e));
  const rated = usable
    .map((engine) => ({ engine, rate: estimateRate(cal, engine, size) }))
    .filter((r): r is { engine: EngineId; rate: number } => r.rate !== null)
    .sort((a, b) => b.rate - a.rate);
  const best = rated[0];
  if (best === undefined) return null;
  return { engine: best.engine, rate: best.rate, runnerUp: rated[1] ?? null };
}

/** Where a calibration is kept: the page's localStorage, or anything with the same two calls. */
export interface CalibrationStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The storage key of a device's calibration: the engine version, the variants and the device (adapter and CPU engine). */
export function calibrationKey(device: string): string {
  return `landscape.calibration/v${CALIBRATION_VERSION}/${gridVariantIds().join(',')}/${device}`;
}

/** The kept calibration of a device, or null (none, another version, unreadable). */
export function loadCalibration(storage: CalibrationStorage | null, device: string): Calibration | null {
  if (storage === null) return null;
  try {
    const text = storage.getItem(calibrationKey(device));
    if (text === null) return null;
    const cal = JSON.parse(text) as Calibration;
    if (cal.version !== CALIBRATION_VERSION || cal.device !== device || !Array.isArray(cal.measured) || !Array.isArray(cal.failed))
      return null;
    return cal;
  } catch {
    return null;
  }
}

export function saveCalibration(storage: CalibrationStorage | null, cal: Calibration): void {
  if (storage === null) return;
  try {
    storage.setItem(calibrationKey(cal.device), JSON.stringify(cal));
  } catch {
    // A full or refused storage only means calibrating again next time.
  }
}
