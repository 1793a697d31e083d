/**
 * Trained networks the user keeps: name, seed, final loss, accuracy, θ and its snapshots. Any
 * of them can become the plane's centre θ₀ (while the page's data and network are the ones it
 * was trained for, `dataKey`) or be marked as an endpoint for curves between minima.
 */
import { evaluate } from '../model/network';
import type { Samples } from '../model/samples';
import type { MlpSpec } from '../model/spec';
import type { MultiSeedResult } from './multiSeed.types';

/** The list holds at most this many networks; the oldest go first. */
export const MAX_KEPT = 1024;

export interface KeptMinimum {
  readonly id: number;
  readonly name: string;
  /** The initialisation seed (initParams), null for a network given as a start vector. */
  readonly seed: number | null;
  readonly spec: MlpSpec;
  /** Which page data and network it belongs to (Engine's data-stage key); '' for the sweep's own data. */
  readonly dataKey: string;
  readonly source: 'train' | 'sweep';
  readonly finalLoss: number;
  /** Fraction correct for classifiers, NaN for regression. */
  readonly accuracy: number;
  readonly diverged: boolean;
  readonly theta: Float32Array;
  /** θ at step 0, every k steps and at the end (empty when the run kept none). */
  readonly snapshots: readonly { readonly step: number; readonly theta: Float32Array }[];
  /** Marked as an endpoint for curves between minima. */
  endpoint: boolean;
}

export interface RunInfo {
  readonly spec: MlpSpec;
  readonly samples: Samples;
  readonly dataKey: string;
  readonly source: 'train' | 'sweep';
  /** Name prefix, e.g. "run 3" (each network becomes "run 3 · seed 7"). */
  readonly label: string;
  readonly seeds: readonly number[];
}

export class MinimaList {
  private readonly items: KeptMinimum[] = [];
  private nextId = 1;

  /** Keeps every network of a run; returns their ids and how many old ones were dropped. */
  addRun(result: MultiSeedResult, run: RunInfo): { ids: number[]; dropped: number } {
    const P = result.paramCount;
    const ids: number[] = [];
    for (let k = 0; k < result.count; k++) {
      const theta = result.thetas.slice(k * P, (k + 1) * P);
      const diverged = (result.diverged[k] ?? 0) !== 0;
      const seed = run.seeds[k] ?? null;
      const id = this.nextId++;
      this.items.push({
        id,
        name: `${run.label} · seed ${seed ?? k}`,
        seed,
        spec: run.spec,
        dataKey: run.dataKey,
        source: run.source,
        finalLoss: result.finalLosses[k] ?? Number.NaN,
        accuracy: diverged ? Number.NaN : evaluate(run.spec, theta, run.samples).accuracy,
        diverged,
        theta,
        snapshots: (result.snapshots ?? []).map((s) => ({ step: s.step, theta: s.thetas.slice(k * P, (k + 1) * P) })),
        endpoint: false,
      });
      ids.push(id);
    }
    const dropped = Math.max(0, this.items.length - MAX_KEPT);
    this.items.splice(0, dropped);
    return { ids, dropped };
  }

  all(): readonly KeptMinimum[] {
    return this.items;
  }

  get(id: number): KeptMinimum | undefined {
    return this.items.find((m) => m.id === id);
  }

  remove(id: number): boolean {
    const i = this.items.findIndex((m) => m.id === id);
    if (i < 0) return false;
    this.items.splice(i, 1);
    return true;
  }

  setEndpoint(id: number, on: boolean): boolean {
    const m = this.get(id);
    if (!m) return false;
    m.endpoint = on;
    return true;
  }

  clear(): void {
    this.items.length = 0;
  }
}
