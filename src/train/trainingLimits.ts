/**
 * Bounds and clamping for multi-seed training and the width sweep, shared by the panel and the
 * console API. Clamping never throws: a value out of range goes to the nearest bound, junk to the
 * default, and each change is reported as one readable line.
 */
import { ACTIVATIONS, LOSSES, type Activation, type LossKind } from '../model/spec';

export const TRAIN_LIMITS = {
  seeds: [1, 256],
  steps: [1, 20000],
  learningRate: [1e-6, 10],
  epsilonRatio: [1e-12, 1],
  width: [1, 256],
  sweepSamples: [2, 64],
  sweepWidths: [1, 24],
  snapshotEvery: [0, 20000],
} as const;

export interface TrainRequest {
  /** Number of seeds K. */
  seeds: number;
  /** Seeds are firstSeed, firstSeed + 1, …. */
  firstSeed: number;
  steps: number;
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  /** Success threshold ε as a fraction of the median initial loss. */
  epsilonRatio: number;
  /** Keep θ every this many steps (0: none). */
  snapshotEvery: number;
}

export interface SweepRequest {
  /** Sample count m of the small data set. */
  samples: number;
  /** Hidden widths n₁; empty means "the default range for m". */
  widths: number[];
  seeds: number;
  steps: number;
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  activation: Activation;
  loss: LossKind;
  /** Half of the inputs repeat earlier ones (with their own targets): the theorem's assumption broken. */
  duplicated: boolean;
  epsilonRatio: number;
  /** Seed of the data. */
  dataSeed: number;
}

export function defaultTrainRequest(): TrainRequest {
  return { seeds: 16, firstSeed: 1, steps: 600, optimizer: 'adam', learningRate: 0.02, epsilonRatio: 1e-4, snapshotEvery: 100 };
}

/** Settings chosen once for m = 8 (see test/train/theorem.test.ts): Adam, lr 0.1 with cosine decay. */
export function defaultSweepRequest(): SweepRequest {
  return {
    samples: 8,
    widths: [],
    seeds: 16,
    steps: 2000,
    optimizer: 'adam',
    learningRate: 0.1,
    activation: 'tanh',
    loss: 'mse',
    duplicated: false,
    epsilonRatio: 1e-4,
    dataSeed: 2,
  };
}

/**
 * Widths for the sweep across m: 1, 2, …, m + 2 while that is at most 16 values; beyond, a
 * doubling range from 1 that also holds m − 1, m and m + 2, so the transition is sampled.
 */
export function sweepWidths(m: number): number[] {
  if (m + 2 <= 16) return Array.from({ length: m + 2 }, (_, i) => i + 1);
  const set = new Set<number>();
  for (let w = 1; w <= 2 * m; w *= 2) set.add(w);
  for (const w of [m - 1, m, m + 2, 2 * m]) set.add(w);
  return [...set].filter((w) => w >= 1 && w <= TRAIN_LIMITS.width[1]).sort((a, b) => a - b);
}

type Notices = string[];

export function clampNumber(
  name: string,
  raw: unknown,
  fallback: number,
  [lo, hi]: readonly [number, number],
  integer: boolean,
  notices: Notices,
): number {
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    notices.push(`${name}: ${shown(raw)} is not a number, kept ${fallback}`);
    return fallback;
  }
  let v = integer ? Math.round(value) : value;
  if (v < lo) v = lo;
  if (v > hi) v = hi;
  if (v !== value) notices.push(`${name}: ${value} → ${v} (allowed ${lo}..${hi}${integer ? ', integer' : ''})`);
  return v;
}

export function pickEnum<T extends string>(name: string, raw: unknown, allowed: readonly T[], fallback: T, notices: Notices): T {
  if (raw === undefined) return fallback;
  if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
  notices.push(`${name}: "${shown(raw)}" is not one of ${allowed.join(', ')}, kept ${fallback}`);
  return fallback;
}

/** A rejected value as the notice shows it: an object or a list as JSON, not "[object Object]". */
export function shown(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return String(raw);
  try {
    return JSON.stringify(raw);
  } catch {
    return Object.prototype.toString.call(raw);
  }
}

/** `raw[key]` when raw is an object (console options), else undefined. */
export function field(raw: unknown, key: string): unknown {
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[key] : undefined;
}

/** Reads `{ seeds, steps, optimizer, lr | learningRate, epsilon, firstSeed, snapshotEvery }` over `base`. */
export function clampTrainRequest(raw: unknown, base: TrainRequest = defaultTrainRequest()): { request: TrainRequest; notices: string[] } {
  const n: Notices = [];
  const L = TRAIN_LIMITS;
  const request: TrainRequest = {
    seeds: clampNumber('seeds K', field(raw, 'seeds'), base.seeds, L.seeds, true, n),
    firstSeed: clampNumber('first seed', field(raw, 'firstSeed'), base.firstSeed, [0, 2 ** 31 - 1 - 256], true, n),
    steps: clampNumber('steps', field(raw, 'steps'), base.steps, L.steps, true, n),
    optimizer: pickEnum('optimizer', field(raw, 'optimizer'), ['adam', 'sgd'], base.optimizer, n),
    learningRate: clampNumber('learning rate', field(raw, 'lr') ?? field(raw, 'learningRate'), base.learningRate, L.learningRate, false, n),
    epsilonRatio: clampNumber(
      'ε / initial loss',
      field(raw, 'epsilon') ?? field(raw, 'epsilonRatio'),
      base.epsilonRatio,
      L.epsilonRatio,
      false,
      n,
    ),
    snapshotEvery: clampNumber('snapshot every', field(raw, 'snapshotEvery'), base.snapshotEvery, L.snapshotEvery, true, n),
  };
  return { request, notices: n };
}

/** Reads the sweep options over `base`; widths are rounded, clamped, deduplicated and capped in count. */
export function clampSweepRequest(raw: unknown, base: SweepRequest = defaultSweepRequest()): { request: SweepRequest; notices: string[] } {
  const n: Notices = [];
  const L = TRAIN_LIMITS;
  let widths = base.widths;
  const rawWidths = field(raw, 'widths');
  if (rawWidths !== undefined) {
    if (!Array.isArray(rawWidths)) {
      n.push(`widths: expected a list of integers, kept the default range`);
      widths = [];
    } else {
      const set = new Set<number>();
      for (const w of rawWidths) set.add(clampNumber('width n₁', w, 1, L.width, true, n));
      widths = [...set].sort((a, b) => a - b);
      if (widths.length > L.sweepWidths[1]) {
        n.push(`widths: ${widths.length} values, kept the first ${L.sweepWidths[1]}`);
        widths = widths.slice(0, L.sweepWidths[1]);
      }
    }
  }
  const request: SweepRequest = {
    samples: clampNumber('samples m', field(raw, 'samples') ?? field(raw, 'm'), base.samples, L.sweepSamples, true, n),
    widths,
    seeds: clampNumber('seeds K', field(raw, 'seeds'), base.seeds, L.seeds, true, n),
    steps: clampNumber('steps', field(raw, 'steps'), base.steps, L.steps, true, n),
    optimizer: pickEnum('optimizer', field(raw, 'optimizer'), ['adam', 'sgd'], base.optimizer, n),
    learningRate: clampNumber('learning rate', field(raw, 'lr') ?? field(raw, 'learningRate'), base.learningRate, L.learningRate, false, n),
    activation: pickEnum('activation', field(raw, 'activation'), ACTIVATIONS, base.activation, n),
    loss: pickEnum('loss', field(raw, 'loss'), LOSSES, base.loss, n),
    duplicated: typeof field(raw, 'duplicated') === 'boolean' ? Boolean(field(raw, 'duplicated')) : base.duplicated,
    epsilonRatio: clampNumber(
      'ε / initial loss',
      field(raw, 'epsilon') ?? field(raw, 'epsilonRatio'),
      base.epsilonRatio,
      L.epsilonRatio,
      false,
      n,
    ),
    dataSeed: clampNumber('data seed', field(raw, 'dataSeed'), base.dataSeed, [0, 2 ** 31 - 1], true, n),
  };
  return { request, notices: n };
}

/** The widths a sweep request stands for. */
export function widthsOf(request: SweepRequest): number[] {
  return request.widths.length > 0 ? request.widths : sweepWidths(request.samples);
}
