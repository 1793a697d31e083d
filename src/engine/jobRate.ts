/**
 * How fast this device computes, measured by the jobs already run, so a long job can say how long it will
 * take before it runs. Work is counted in sample-evaluations weighted by the network's size: a grid point
 * evaluates every sample once (points × samples × parameters); a training step evaluates and
 * differentiates every sample for every vector it trains (steps × vectors × samples × parameters). Rates
 * are kept per backend kind (GPU, CPU) and per kind of work (a grid, a training), never mixed.
 */

export type WorkKind = 'grid' | 'train';
export type BackendKind = 'webgpu' | 'cpu';

/** Measurements shorter than this are mostly start-up and dispatch overhead: kept only until a longer one comes. */
export const MIN_MEASURED_MS = 40;

interface Measured {
  readonly unitsPerMs: number;
  readonly ms: number;
}

/** Work units of a loss grid: points × samples × parameters. */
export function gridUnits(points: number, samples: number, parameters: number): number {
  return points * samples * parameters;
}

/** Work units of a training: steps × vectors × samples × parameters. */
export function trainUnits(steps: number, vectors: number, samples: number, parameters: number): number {
  return steps * vectors * samples * parameters;
}

/** The latest usable rate per backend kind and work kind. */
export class RateBook {
  private readonly rates = new Map<string, Measured>();

  /** A piece of work of `units` finished in `ms` on a backend of `backend` kind. */
  record(backend: BackendKind, work: WorkKind, units: number, ms: number): void {
    if (!(units > 0) || !(ms > 0) || !Number.isFinite(units) || !Number.isFinite(ms)) return;
    const key = `${backend}/${work}`;
    const before = this.rates.get(key);
    // A short measurement (start-up, one dispatch) never replaces a longer one: it overstates the cost.
    if (ms < MIN_MEASURED_MS && before !== undefined && before.ms >= MIN_MEASURED_MS) return;
    this.rates.set(key, { unitsPerMs: units / ms, ms });
  }

  /** Work units per second, or null when nothing was measured yet. */
  rate(backend: BackendKind, work: WorkKind): number | null {
    const r = this.rates.get(`${backend}/${work}`);
    return r === undefined ? null : r.unitsPerMs * 1000;
  }

  /** Seconds `units` of work take at the measured rate, or null when nothing was measured yet. */
  seconds(backend: BackendKind, work: WorkKind, units: number): number | null {
    const rate = this.rate(backend, work);
    return rate === null ? null : units / rate;
  }
}

/**
 * Time left from a job's own progress: the fraction done, sampled as it goes. The rate is the one over the
 * last WINDOW_MS (a stall before it, such as a kernel compiled on first use, does not count), and only
 * once the window holds at least MIN_SPAN_MS of progress; `restart()` after a pause.
 */
export class ProgressClock {
  static readonly WINDOW_MS = 1500;
  static readonly MIN_SPAN_MS = 300;
  private samples: { fraction: number; ms: number }[] = [];
  private firstMs: number | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {}

  sample(fraction: number): void {
    const point = { fraction, ms: this.now() };
    const last = this.samples[this.samples.length - 1];
    if (last !== undefined && fraction < last.fraction) this.restart();
    this.firstMs ??= point.ms;
    this.samples.push(point);
    // Keep one sample older than the window, so the window's start is a measured point.
    while (this.samples.length > 2 && point.ms - (this.samples[1]?.ms ?? point.ms) >= ProgressClock.WINDOW_MS) this.samples.shift();
  }

  /** Forget the samples (the job was paused; its rate starts again). */
  restart(): void {
    this.samples = [];
    this.firstMs = null;
  }

  /** Seconds measured since the first sample. */
  get measuredS(): number {
    const last = this.samples[this.samples.length - 1];
    return this.firstMs === null || last === undefined ? 0 : (last.ms - this.firstMs) / 1000;
  }

  /** Seconds left at the rate of the last window; null while the window holds too little progress. */
  secondsLeft(): number | null {
    const b = this.samples[this.samples.length - 1];
    const a = this.samples.find((s) => b !== undefined && b.ms - s.ms <= ProgressClock.WINDOW_MS);
    if (a === undefined || b === undefined || b.fraction <= a.fraction || b.ms - a.ms < ProgressClock.MIN_SPAN_MS) return null;
    const perFraction = (b.ms - a.ms) / (b.fraction - a.fraction);
    return (Math.max(0, 1 - b.fraction) * perFraction) / 1000;
  }
}

/** "about 7 min", "about 40 s", "about 1 h 20 min", "under a second": a duration as a person says it. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'an unknown time';
  if (seconds < 1) return 'under a second';
  if (seconds < 60) return `about ${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (seconds < 600) {
    const m = Math.floor(seconds / 60);
    const s = Math.round((seconds - 60 * m) / 10) * 10;
    return s === 0 || s === 60 ? `about ${s === 60 ? m + 1 : m} min` : `about ${m} min ${s} s`;
  }
  if (minutes < 60) return `about ${minutes} min`;
  const h = Math.floor(minutes / 60);
  const rest = minutes - 60 * h;
  return rest === 0 ? `about ${h} h` : `about ${h} h ${rest} min`;
}
