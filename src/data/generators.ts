import type { LossKind } from '../model/spec';
import type { DatasetKind } from '../state/appState';
import { Rng, deriveSeed } from '../model/rng';
import type { Dataset } from './dataset';
import { digitsLoaded, digitsTable, loadDigits } from './digits';

export interface DatasetOptions {
  /** Sample count m, an integer ≥ 1. */
  readonly samples: number;
  /** Spiral arms (clamped to 2..3) or blob count (clamped to 2..10); moons, circles and xor always have 2, digits 10. */
  readonly classes: number;
  /** ≥ 0; roughly the standard deviation of the input noise, in input units (see each generator). */
  readonly noise: number;
  readonly seed: number;
}

/** Regression data sets: `y` is a real target, so only the 'mse' loss applies. */
export const REGRESSION_KINDS: readonly DatasetKind[] = ['sine', 'uvx'];

export function isRegressionKind(kind: DatasetKind): boolean {
  return REGRESSION_KINDS.includes(kind);
}

/** True while `kind` still has to be fetched before makeDataset can build it. */
export function needsLoading(kind: DatasetKind): boolean {
  return kind === 'digits' && !digitsLoaded();
}

/**
 * Resolves when makeDataset(kind, …) can run: fetches the digits file once (see src/data/digits.ts),
 * at once for the generated kinds. Rejects with a readable message when the file cannot be loaded;
 * a later call tries again.
 */
export async function ensureDataLoaded(kind: DatasetKind): Promise<void> {
  if (kind === 'digits') await loadDigits();
}

/** Inputs before targets are attached: row-major m × inputs, plus a class per row or a target per row. */
type RawData =
  | { readonly inputs: number; readonly x: Float64Array; readonly classes: number; readonly labels: Int32Array }
  | { readonly inputs: number; readonly x: Float64Array; readonly classes: 0; readonly targets: Float64Array };

/**
 * A seeded data set. The same (kind, opts, loss) always gives the same arrays; input rows are pairwise
 * distinct (after rounding to f32), because the theory presets need distinct inputs.
 *
 * 'digits' is real data (8×8 handwritten digits, src/data/digits.ts): it must be loaded first
 * (ensureDataLoaded), else this throws; m is clamped to the 1,797 images and `classes` is ignored.
 *
 * Targets by loss, for classification data:
 * - 'cross_entropy': the class index (0, 1, …) per sample; targetWidth 1.
 * - 'bce': 0 for class 0 and 1 for every other class ("class 0 vs rest"); the data set then has 2 classes.
 * - 'mse': with 2 classes one target per sample, −1 for class 0 and +1 for class 1; with more classes
 *   one-hot rows of width `classes`.
 * Regression data (sine, uvx) only allows 'mse'; any other loss throws.
 */
export function makeDataset(kind: DatasetKind, opts: DatasetOptions, loss: LossKind): Dataset {
  if (!Number.isInteger(opts.samples) || opts.samples < 1) throw new Error(`samples must be an integer ≥ 1, got ${opts.samples}`);
  const m = kind === 'digits' ? Math.min(opts.samples, digitsTable().rows) : opts.samples;
  if (!Number.isFinite(opts.noise) || opts.noise < 0) throw new Error(`noise must be finite and ≥ 0, got ${opts.noise}`);
  if (!Number.isFinite(opts.seed)) throw new Error(`seed must be finite, got ${opts.seed}`);
  if (isRegressionKind(kind) && loss !== 'mse') {
    throw new Error(`loss "${loss}" needs class labels, but "${kind}" is regression data; use "mse"`);
  }
  const rng = new Rng(deriveSeed(opts.seed, `data.${kind}`));
  const raw = generate(kind, m, opts, rng);
  if ('targets' in raw) {
    return {
      name: kind,
      m,
      inputs: raw.inputs,
      x: Float32Array.from(raw.x),
      y: Float32Array.from(raw.targets),
      targetWidth: 1,
      classes: 0,
    };
  }
  return encodeTargets(kind, m, raw.inputs, raw.x, raw.labels, raw.classes, loss);
}

function generate(kind: DatasetKind, m: number, opts: DatasetOptions, rng: Rng): RawData {
  switch (kind) {
    case 'spiral':
      return spiral(m, clampInt(opts.classes, 2, 3), opts.noise, rng);
    case 'moons':
      return moons(m, opts.noise, rng);
    case 'circles':
      return circles(m, opts.noise, rng);
    case 'xor':
      return xor(m, opts.noise, rng);
    case 'blobs':
      return blobs(m, clampInt(opts.classes, 2, 10), opts.noise, rng);
    case 'sine':
      return sine(m, opts.noise, rng);
    case 'uvx':
      return uvx(m, opts.noise, rng);
    case 'digits':
      return digits(m, opts.noise, rng);
  }
}

/** Arms of `classes` interleaved spirals, 1.75 turns each, radius 0.1 → 1.3; gaussian noise of std `noise`. */
function spiral(m: number, classes: number, noise: number, rng: Rng): RawData {
  const x = new Float64Array(m * 2);
  const labels = new Int32Array(m);
  let row = 0;
  for (let arm = 0; arm < classes; arm++) {
    const n = splitCount(m, classes, arm);
    for (let i = 0; i < n; i++) {
      const t = n === 1 ? 0.5 : i / (n - 1);
      const r = 0.1 + 1.2 * t;
      const angle = (2 * Math.PI * arm) / classes + 1.75 * 2 * Math.PI * t;
      x[2 * row] = r * Math.cos(angle) + noise * rng.normal();
      x[2 * row + 1] = r * Math.sin(angle) + noise * rng.normal();
      labels[row] = arm;
      row++;
    }
  }
  return shuffled({ inputs: 2, x: distinctRows(x, 2, rng), classes, labels }, rng);
}

/** Two interleaving half circles of radius 1, centred so that x ∈ [−1.5, 1.5], y ∈ [−0.75, 0.75]. */
function moons(m: number, noise: number, rng: Rng): RawData {
  const x = new Float64Array(m * 2);
  const labels = new Int32Array(m);
  let row = 0;
  for (let cls = 0; cls < 2; cls++) {
    const n = splitCount(m, 2, cls);
    for (let i = 0; i < n; i++) {
      const t = Math.PI * (n === 1 ? 0.5 : i / (n - 1));
      const px = cls === 0 ? Math.cos(t) : 1 - Math.cos(t);
      const py = cls === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
      x[2 * row] = px - 0.5 + noise * rng.normal();
      x[2 * row + 1] = py - 0.25 + noise * rng.normal();
      labels[row] = cls;
      row++;
    }
  }
  return shuffled({ inputs: 2, x: distinctRows(x, 2, rng), classes: 2, labels }, rng);
}

/** Class 0 on the outer circle (radius 1), class 1 on the inner one (radius 0.5); angles stratified. */
function circles(m: number, noise: number, rng: Rng): RawData {
  const x = new Float64Array(m * 2);
  const labels = new Int32Array(m);
  let row = 0;
  for (let cls = 0; cls < 2; cls++) {
    const n = splitCount(m, 2, cls);
    const radius = cls === 0 ? 1 : 0.5;
    for (let i = 0; i < n; i++) {
      const angle = (2 * Math.PI * (i + rng.uniform())) / n;
      x[2 * row] = radius * Math.cos(angle) + noise * rng.normal();
      x[2 * row + 1] = radius * Math.sin(angle) + noise * rng.normal();
      labels[row] = cls;
      row++;
    }
  }
  return shuffled({ inputs: 2, x: distinctRows(x, 2, rng), classes: 2, labels }, rng);
}

const XOR_TABLE: readonly (readonly [number, number, number])[] = [
  [0, 0, 0],
  [0, 1, 1],
  [1, 0, 1],
  [1, 1, 0],
];

/**
 * m ≤ 4: the first m rows of the textbook truth table (0,0)→0, (0,1)→1, (1,0)→1, (1,1)→0, unshuffled and
 * noise-free, because the theory presets refer to exactly these points.
 * m > 4: zero-centred clusters of std 0.1 + noise around the corners (±1, ±1), class 1 where the signs differ.
 */
function xor(m: number, noise: number, rng: Rng): RawData {
  const x = new Float64Array(m * 2);
  const labels = new Int32Array(m);
  if (m <= 4) {
    for (let row = 0; row < m; row++) {
      const [a, b, cls] = XOR_TABLE[row] ?? [0, 0, 0];
      x[2 * row] = a;
      x[2 * row + 1] = b;
      labels[row] = cls;
    }
    return { inputs: 2, x, classes: 2, labels };
  }
  const spread = 0.1 + noise;
  let row = 0;
  for (let corner = 0; corner < 4; corner++) {
    const sx = corner & 1 ? 1 : -1;
    const sy = corner & 2 ? 1 : -1;
    const n = splitCount(m, 4, corner);
    for (let i = 0; i < n; i++) {
      x[2 * row] = sx + spread * rng.normal();
      x[2 * row + 1] = sy + spread * rng.normal();
      labels[row] = sx === sy ? 0 : 1;
      row++;
    }
  }
  return shuffled({ inputs: 2, x: distinctRows(x, 2, rng), classes: 2, labels }, rng);
}

/** `classes` isotropic gaussians of std 0.1 + noise, centred evenly on a circle of radius 1 (seeded phase). */
function blobs(m: number, classes: number, noise: number, rng: Rng): RawData {
  const x = new Float64Array(m * 2);
  const labels = new Int32Array(m);
  const phase = 2 * Math.PI * rng.uniform();
  const spread = 0.1 + noise;
  let row = 0;
  for (let cls = 0; cls < classes; cls++) {
    const angle = phase + (2 * Math.PI * cls) / classes;
    const n = splitCount(m, classes, cls);
    for (let i = 0; i < n; i++) {
      x[2 * row] = Math.cos(angle) + spread * rng.normal();
      x[2 * row + 1] = Math.sin(angle) + spread * rng.normal();
      labels[row] = cls;
      row++;
    }
  }
  return shuffled({ inputs: 2, x: distinctRows(x, 2, rng), classes, labels }, rng);
}

/** x = 1.5·t/π with t stratified-uniform in [−π, π] (so x ∈ [−1.5, 1.5]); y = sin(t) + noise·N(0, 1). */
function sine(m: number, noise: number, rng: Rng): RawData {
  const x = new Float64Array(m);
  for (let i = 0; i < m; i++) x[i] = 1.5 * (-1 + (2 * (i + rng.uniform())) / m);
  const distinct = distinctRows(x, 1, rng);
  const targets = distinct.map((xi) => Math.sin((xi * Math.PI) / 1.5) + noise * rng.normal());
  return { inputs: 1, x: distinct, classes: 0, targets };
}

/**
 * The scalar example f(x) = u·v·x with targets y = x exactly, so the minima are the hyperbola u·v = 1 and
 * the origin is a saddle. m = 1 is the single sample x = 1; otherwise x sits at the m cell midpoints of
 * [−1, 1], each moved by up to noise/m (seeded), which keeps the rows distinct and ordered.
 */
function uvx(m: number, noise: number, rng: Rng): RawData {
  const x = new Float64Array(m);
  if (m === 1) {
    x[0] = 1;
  } else {
    const jitter = Math.min(noise, 0.9) / m;
    for (let i = 0; i < m; i++) x[i] = -1 + (2 * i + 1) / m + jitter * (2 * rng.uniform() - 1);
  }
  const distinct = distinctRows(x, 1, rng);
  return { inputs: 1, x: distinct, classes: 0, targets: Float64Array.from(distinct, (v) => Math.fround(v)) };
}

/**
 * m of the 8×8 digit images (m ≤ the table's 1,797), pixels scaled to [0, 1] (÷ 16), 10 classes.
 * Stratified: each class's images are shuffled (seeded), then taken one per class in turn, the classes
 * visited in a seeded order, so class sizes differ by at most one while a class has images left (m = 10
 * gives one of each digit; m = 1,797 gives every image); the rows are then shuffled, as in the other
 * generators. Noise > 0 adds N(0, noise²) to each scaled pixel (values may leave [0, 1]) from a stream of
 * its own, so the same seed picks the same images in the same order at any noise; noise = 0 keeps the
 * pixels exact. The file has no duplicate images; distinctRows still guards the noisy case.
 */
function digits(m: number, noise: number, rng: Rng): RawData {
  const t = digitsTable();
  const noiseRng = new Rng(rng.nextU32());
  const byClass: number[][] = Array.from({ length: t.classes }, () => []);
  for (let r = 0; r < t.rows; r++) byClass[t.labels[r] ?? 0]?.push(r);
  for (const rows of byClass) shuffleInPlace(rows, rng);
  const visit = shuffleInPlace(
    Array.from({ length: t.classes }, (_, c) => c),
    rng,
  );
  const taken = new Array<number>(t.classes).fill(0);
  const chosen: number[] = [];
  while (chosen.length < m) {
    for (const c of visit) {
      if (chosen.length >= m) break;
      const rows = byClass[c] ?? [];
      const k = taken[c] ?? 0;
      if (k < rows.length) {
        chosen.push(rows[k] ?? 0);
        taken[c] = k + 1;
      }
    }
  }
  const x = new Float64Array(m * t.inputs);
  const labels = new Int32Array(m);
  const scale = 1 / t.maxPixel;
  chosen.forEach((r, i) => {
    labels[i] = t.labels[r] ?? 0;
    for (let j = 0; j < t.inputs; j++) x[i * t.inputs + j] = (t.pixels[r * t.inputs + j] ?? 0) * scale;
  });
  const out = shuffled({ inputs: t.inputs, x, classes: t.classes, labels }, rng);
  if (noise > 0) for (let k = 0; k < out.x.length; k++) out.x[k] = (out.x[k] ?? 0) + noise * noiseRng.normal();
  return { ...out, x: distinctRows(out.x, t.inputs, noiseRng) };
}

function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items;
}

function encodeTargets(
  kind: DatasetKind,
  m: number,
  inputs: number,
  x: Float64Array,
  labels: Int32Array,
  classes: number,
  loss: LossKind,
): Dataset {
  const base = { m, inputs, x: Float32Array.from(x) };
  switch (loss) {
    case 'cross_entropy':
      return { ...base, name: kind, y: Float32Array.from(labels), targetWidth: 1, classes };
    case 'bce': {
      const name = classes > 2 ? `${kind} (class 0 vs rest)` : kind;
      return { ...base, name, y: Float32Array.from(labels, (c) => (c === 0 ? 0 : 1)), targetWidth: 1, classes: 2 };
    }
    case 'mse': {
      if (classes === 2) {
        return { ...base, name: kind, y: Float32Array.from(labels, (c) => (c === 0 ? -1 : 1)), targetWidth: 1, classes };
      }
      const y = new Float32Array(m * classes);
      labels.forEach((c, i) => {
        y[i * classes + c] = 1;
      });
      return { ...base, name: kind, y, targetWidth: classes, classes };
    }
  }
}

/** Size of part `index` when m items are split as evenly as possible into `parts` parts. */
function splitCount(m: number, parts: number, index: number): number {
  return Math.floor(m / parts) + (index < m % parts ? 1 : 0);
}

function clampInt(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) return lo;
  return Math.min(hi, Math.max(lo, Math.round(v)));
}

/**
 * Moves rows that coincide (as f32) with an earlier row by a tiny seeded offset until all rows differ.
 * Coincidences only happen for noise-free data or unlucky rounding, so the data barely changes.
 */
function distinctRows(x: Float64Array, inputs: number, rng: Rng): Float64Array {
  const out = Float64Array.from(x);
  const m = out.length / inputs;
  const seen = new Set<string>();
  for (let row = 0; row < m; row++) {
    let key = rowKey(out, row, inputs);
    for (let attempt = 1; seen.has(key); attempt++) {
      const scale = 1e-4 * Math.min(attempt, 100);
      for (let j = 0; j < inputs; j++) {
        const k = row * inputs + j;
        out[k] = (out[k] ?? 0) + scale * rng.normal();
      }
      key = rowKey(out, row, inputs);
    }
    seen.add(key);
  }
  return out;
}

function rowKey(x: Float64Array, row: number, inputs: number): string {
  let key = '';
  for (let j = 0; j < inputs; j++) key += `${Math.fround(x[row * inputs + j] ?? 0)},`;
  return key;
}

/** Fisher–Yates over rows, so classes are interleaved (matters for any later minibatching). */
function shuffled(data: RawData & { readonly labels: Int32Array }, rng: Rng): RawData {
  const { inputs } = data;
  const m = data.labels.length;
  const order = Array.from({ length: m }, (_, i) => i);
  for (let i = m - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i] ?? i;
    order[i] = order[j] ?? j;
    order[j] = t;
  }
  const x = new Float64Array(m * inputs);
  const labels = new Int32Array(m);
  order.forEach((from, to) => {
    labels[to] = data.labels[from] ?? 0;
    for (let j = 0; j < inputs; j++) x[to * inputs + j] = data.x[from * inputs + j] ?? 0;
  });
  return { inputs, x, classes: data.classes, labels };
}

/**
 * One line for the status bar and exports, e.g.
 * "spiral: m=256, 2 inputs, 2 classes (128/128), y 1 wide in [−1, 1], x in [−1.33, 1.31]".
 */
export function datasetSummary(d: Dataset): string {
  const parts = [`m=${d.m}`, `${d.inputs} input${d.inputs === 1 ? '' : 's'}`];
  if (d.classes > 0) parts.push(`${d.classes} classes (${classCounts(d).join('/')})`);
  else parts.push('regression');
  const [yLo, yHi] = extent(d.y);
  parts.push(`y ${d.targetWidth} wide in [${fmt(yLo)}, ${fmt(yHi)}]`);
  const [xLo, xHi] = extent(d.x);
  parts.push(`x in [${fmt(xLo)}, ${fmt(xHi)}]`);
  return `${d.name}: ${parts.join(', ')}`;
}

/** Samples per class, read back from whichever target encoding `y` uses. */
function classCounts(d: Dataset): number[] {
  const counts = new Array<number>(d.classes).fill(0);
  const signed = d.targetWidth === 1 && d.y.some((v) => v < 0);
  for (let i = 0; i < d.m; i++) {
    let cls = 0;
    if (d.targetWidth > 1) {
      let best = -Infinity;
      for (let c = 0; c < d.targetWidth; c++) {
        const v = d.y[i * d.targetWidth + c] ?? -Infinity;
        if (v > best) {
          best = v;
          cls = c;
        }
      }
    } else {
      const v = d.y[i] ?? 0;
      cls = signed ? (v > 0 ? 1 : 0) : Math.round(v);
    }
    if (cls >= 0 && cls < counts.length) counts[cls] = (counts[cls] ?? 0) + 1;
  }
  return counts;
}

function extent(values: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return values.length === 0 ? [0, 0] : [lo, hi];
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
