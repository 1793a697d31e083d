/**
 * Multi-seed training and the width sweep in the page: runs them through the engine (GPU, or the
 * CPU twin in a worker), keeps the trained networks, and feeds the training panel and the
 * console API. One training job runs at a time; a new one stops the one before it.
 */
import { floorLoss, makeTheoremData } from '../data/theoremData';
import { outputsFor } from '../data/dataset';
import { AbortError, isAborted } from '../gpu/lossGrid.types';
import type { AppState } from '../state/appState';
import { MinimaList, type KeptMinimum } from '../train/minimaList';
import type { MultiSeedResult } from '../train/multiSeed.types';
import { medianFinite, summarizeRun, type RunSummary } from '../train/runSummary';
import {
  TRAIN_LIMITS,
  clampSweepRequest,
  clampTrainRequest,
  defaultSweepRequest,
  defaultTrainRequest,
  field,
  widthsOf,
  type TrainRequest,
} from '../train/trainingLimits';
import { runWidthSweep, type WidthSweepResult } from '../train/widthSweep';
import { TrainingPanel } from '../ui/trainingPanel';
import { describeSpec } from '../model/spec';
import { dataKeyOf, type Engine } from '../engine/pipeline';
import { errorMessage } from '../model/errors';
import type { LongJobs } from './longJobs';

export interface TrainApiResult {
  finalLosses: number[];
  initialLosses: number[];
  diverged: boolean[];
  success: boolean[];
  successes: number;
  fraction: number;
  epsilon: number;
  medianFinal: number;
  seeds: number[];
  /** Ids of the networks in the kept list (minima()). */
  ids: number[];
  device: 'webgpu' | 'cpu';
  ms: number;
  notices: string[];
}

export interface SweepApiResult {
  m: number;
  floorLoss: number;
  widths: number[];
  points: {
    width: number;
    fraction: number;
    successes: number;
    medianFinal: number;
    divergedCount: number;
    finalLosses: number[];
    ms: number;
  }[];
  device: 'webgpu' | 'cpu';
  totalMs: number;
  notices: string[];
}

export interface MinimumApiEntry {
  id: number;
  name: string;
  seed: number | null;
  source: 'train' | 'sweep';
  finalLoss: number;
  accuracy: number;
  diverged: boolean;
  theta: Float32Array;
  spec: KeptMinimum['spec'];
  snapshots: { step: number; theta: Float32Array }[];
  endpoint: boolean;
  isCenter: boolean;
  matchesPage: boolean;
}

export class TrainingController {
  readonly minima = new MinimaList();
  private readonly panel: TrainingPanel;
  private controller: AbortController | null = null;
  private runCount = 0;
  /** The defaults the "Many seeds" fields were last given (they follow the page's training settings). */
  private shownDefaults: TrainRequest;

  constructor(
    container: HTMLElement,
    private readonly engine: Engine,
    private readonly getState: () => AppState,
    /** Use a kept network as θ₀ (null: train θ₀ again) and recompute the surface. */
    private readonly useCenter: (minimum: KeptMinimum | null) => Promise<void>,
    /** Show a kept network's training path (the trajectory plane of its snapshots). */
    showPath: (id: number) => void = () => undefined,
    /** Asks when a run turns out long (null: never asks). */
    private readonly longJobs: LongJobs | null = null,
  ) {
    this.shownDefaults = this.trainDefaults();
    this.panel = new TrainingPanel(container, this.shownDefaults, defaultSweepRequest(), {
      train: (raw) => void this.train(raw).catch(() => undefined),
      sweep: (raw) => void this.widthSweep(raw).catch(() => undefined),
      stop: () => this.stop(),
      useCenter: (id) => void this.useMinimum(id).catch(() => undefined),
      toggleEndpoint: (id) => {
        const m = this.minima.get(id);
        if (m) this.minima.setEndpoint(id, !m.endpoint);
        this.refreshList();
      },
      remove: (id) => {
        this.minima.remove(id);
        this.refreshList();
      },
      path: (id) => showPath(id),
    });
  }

  stop(): void {
    this.controller?.abort();
    this.controller = null;
  }

  private begin(): AbortSignal {
    this.stop();
    const c = new AbortController();
    this.controller = c;
    return c.signal;
  }

  /** K seeds of the page's network on the page's data. */
  async train(raw: unknown = {}, opts: { readonly openCard?: boolean } = {}): Promise<TrainApiResult> {
    const { request, notices } = clampTrainRequest(raw, this.trainDefaults());
    this.panel.showTrainRequest(request, notices, opts.openCard ?? true);
    const signal = this.begin();
    const state = this.getState();
    try {
      await this.engine.dataReady(state);
    } catch (err) {
      this.panel.trainProgress(`training not started: ${errorMessage(err)}`, 0);
      throw err;
    }
    if (signal.aborted) throw new AbortError();
    const { key, data, spec } = this.engine.dataFor(state);
    const seeds = Array.from({ length: request.seeds }, (_, k) => request.firstSeed + k);
    const samples = { m: data.m, inputs: data.inputs, x: data.x, y: data.y };
    const label = `run ${++this.runCount}`;
    const t0 = performance.now();
    const watch = this.longJobs?.watchRun(
      `Training ${request.seeds} seeds for ${request.steps} steps`,
      this.engine.adapterName,
      signal,
      () => this.stop(),
    );
    this.panel.trainProgress(`${label}: ${request.seeds} seeds of ${describeSpec(spec)}, m = ${data.m} · starting`, 0);
    try {
      const {
        value: result,
        backend,
        warnings,
      } = await this.engine.trainSeeds(
        {
          spec,
          samples,
          seeds,
          steps: request.steps,
          optimizer: request.optimizer,
          learningRate: request.learningRate,
          ...(request.snapshotEvery > 0 ? { snapshotEvery: request.snapshotEvery } : {}),
          progressEvery: Math.max(1, Math.floor(request.steps / 40)),
          onProgress: (step, losses) =>
            this.panel.trainProgress(
              `${label}: step ${step}/${request.steps} · median loss ${medianFinite(losses).toPrecision(4)}${watch?.progress(step / request.steps) ?? ''}`,
              step / request.steps,
            ),
        },
        signal,
      );
      const ms = performance.now() - t0;
      const device = backend.kind;
      const summary = summarizeRun(result, request.epsilonRatio);
      const { ids, dropped } = this.minima.addRun(result, { spec, samples, dataKey: key, source: 'train', label, seeds });
      const all = [...notices, ...warnings, ...(dropped > 0 ? [`the kept list is full: the ${dropped} oldest networks were dropped`] : [])];
      const caption = `${label} · ${describeSpec(spec)} · ${request.optimizer} lr ${request.learningRate} · ${request.steps} steps`;
      this.panel.showRun(result, summary, caption, all, `${device} ${(ms / 1000).toFixed(1)} s`);
      this.refreshList();
      return { ...apiLosses(result, summary), seeds, ids, device, ms, notices: all };
    } catch (err) {
      this.panel.trainProgress(
        err instanceof AbortError || isAborted(signal) ? `${label}: stopped` : `${label} failed: ${errorMessage(err)}`,
        0,
      );
      throw err;
    } finally {
      watch?.finish();
    }
  }

  /** The "are all minima global?" experiment on its own small data set. */
  async widthSweep(raw: unknown = {}): Promise<SweepApiResult> {
    const { request, notices } = clampSweepRequest(raw, defaultSweepRequest());
    this.panel.showSweepRequest(request, notices);
    const signal = this.begin();
    const data = makeTheoremData({ m: request.samples, loss: request.loss, duplicated: request.duplicated, seed: request.dataSeed });
    const floor = floorLoss(data, request.loss);
    const widths = widthsOf(request);
    const seeds = Array.from({ length: request.seeds }, (_, k) => 1 + k);
    const caption =
      `m = ${request.samples}${request.duplicated ? ' (half repeated)' : ' distinct'} · ${request.activation} · ${request.loss} · ` +
      `K = ${request.seeds} · ${request.optimizer} lr ${request.learningRate} · ${request.steps} steps`;
    let device: 'webgpu' | 'cpu' = 'webgpu';
    const warnings: string[] = [];
    // Progress weighted by width: a wider network's step costs more.
    const weights = widths.map((w) => Math.max(1, w));
    const weightTotal = weights.reduce((a, b) => a + b, 0);
    const weightBefore = (i: number): number => weights.slice(0, i).reduce((a, b) => a + b, 0);
    const watch = this.longJobs?.watchRun(
      `The width sweep (${widths.length} widths × ${request.seeds} seeds × ${request.steps} steps)`,
      this.engine.adapterName,
      signal,
      () => this.stop(),
    );
    const points: WidthSweepResult['points'][number][] = [];
    try {
      const result = await runWidthSweep(
        {
          samples: data,
          outputs: outputsFor(data, request.loss),
          widths,
          seeds,
          steps: request.steps,
          optimizer: request.optimizer,
          learningRate: request.learningRate,
          activation: request.activation,
          loss: request.loss,
          epsilonRatio: request.epsilonRatio,
          floorLoss: floor,
          signal,
          onProgress: (i, step, median) => {
            const done = (weightBefore(i) + (weights[i] ?? 1) * (step / request.steps)) / weightTotal;
            this.panel.sweepProgress(
              `n₁ = ${widths[i] ?? '?'} (${i + 1}/${widths.length}) · step ${step}/${request.steps} · median loss ${median.toPrecision(3)}${watch?.progress(done) ?? ''}`,
              (i + step / request.steps) / widths.length,
            );
          },
        },
        async (opts) => {
          const r = await this.engine.trainSeeds(opts, signal);
          if (r.backend.kind === 'cpu') device = 'cpu';
          warnings.push(...r.warnings);
          const summary = summarizeRun(r.value, request.epsilonRatio, floor);
          const width = opts.spec.hidden[0] ?? 0;
          points.push({ width, spec: opts.spec, result: r.value, ms: 0, ...summary });
          this.panel.showSweep({ m: request.samples, points, caption, pending: widths.slice(points.length) }, []);
          return r.value;
        },
      );
      const all = [...notices, ...new Set(warnings)];
      this.panel.showSweep({ m: request.samples, points: result.points, caption }, all);
      this.panel.sweepProgress(
        `done: ${widths.length} widths × ${request.seeds} seeds in ${(result.totalMs / 1000).toFixed(1)} s (${device})`,
        0,
      );
      if (field(raw, 'keep') === true) {
        for (const p of result.points) {
          this.minima.addRun(p.result, { spec: p.spec, samples: data, dataKey: '', source: 'sweep', label: `sweep n₁=${p.width}`, seeds });
        }
        this.refreshList();
      }
      return {
        m: request.samples,
        floorLoss: floor,
        widths,
        device,
        totalMs: result.totalMs,
        notices: all,
        points: result.points.map((p) => ({
          width: p.width,
          fraction: p.fraction,
          successes: p.successes,
          medianFinal: p.medianFinal,
          divergedCount: p.divergedCount,
          finalLosses: Array.from(p.result.finalLosses),
          ms: p.ms,
        })),
      };
    } catch (err) {
      this.panel.sweepProgress(err instanceof AbortError || isAborted(signal) ? 'stopped' : `failed: ${errorMessage(err)}`, 0);
      throw err;
    } finally {
      watch?.finish();
    }
  }

  list(): MinimumApiEntry[] {
    const key = JSON.stringify(this.dataKeyNow());
    const center = this.engine.centerOverride?.id ?? null;
    return this.minima.all().map((m) => ({
      id: m.id,
      name: m.name,
      seed: m.seed,
      source: m.source,
      finalLoss: m.finalLoss,
      accuracy: m.accuracy,
      diverged: m.diverged,
      theta: m.theta.slice(),
      spec: m.spec,
      snapshots: m.snapshots.map((s) => ({ step: s.step, theta: s.theta.slice() })),
      endpoint: m.endpoint,
      isCenter: m.id === center,
      matchesPage: JSON.stringify(m.dataKey) === key,
    }));
  }

  /** Make a kept network θ₀ (null: train θ₀ again). Rejects for a network of other data or another architecture. */
  async useMinimum(id: number | null): Promise<void> {
    if (id === null) {
      await this.useCenter(null);
      this.refreshList();
      return;
    }
    const m = this.minima.get(id);
    if (!m) throw new Error(`no kept network with id ${id}`);
    if (m.dataKey !== this.dataKeyNow()) {
      const why =
        m.source === 'sweep' ? "it was trained on the sweep's own data" : "the page's data or network changed since it was trained";
      this.panel.listNotice(`"${m.name}" cannot be θ₀ here: ${why}.`);
      throw new Error(`"${m.name}" cannot be θ₀ here: ${why}`);
    }
    await this.useCenter(m);
    this.refreshList();
  }

  setEndpoint(id: number, on = true): void {
    if (!this.minima.setEndpoint(id, on)) throw new Error(`no kept network with id ${id}`);
    this.refreshList();
  }

  refreshList(): void {
    this.panel.showList(this.minima.all(), this.engine.centerOverride?.id ?? null, this.dataKeyNow());
    this.followDefaults();
  }

  /**
   * Steps and learning rate of a run that names none: the page's own training settings (the open
   * preset's), so "train 16 seeds" trains what θ₀ was trained with; the rest as defaultTrainRequest.
   */
  trainDefaults(): TrainRequest {
    const { steps, learningRate } = this.getState().train;
    const base = defaultTrainRequest();
    const [lo, hi] = TRAIN_LIMITS.steps;
    return { ...base, steps: Math.min(hi, Math.max(lo, Math.round(steps))), learningRate };
  }

  /** The page's training settings changed since the fields were filled: the untouched fields follow. */
  private followDefaults(): void {
    const next = this.trainDefaults();
    const shown = this.shownDefaults;
    if (next.steps === shown.steps && next.learningRate === shown.learningRate) return;
    this.panel.followTrainDefaults(shown, next);
    this.shownDefaults = next;
  }

  private dataKeyNow(): string {
    // The key alone: dataFor would build the data set (and throw before a data file is loaded).
    return dataKeyOf(this.getState());
  }
}

function apiLosses(result: MultiSeedResult, s: RunSummary): Omit<TrainApiResult, 'seeds' | 'ids' | 'device' | 'ms' | 'notices'> {
  return {
    finalLosses: Array.from(result.finalLosses),
    initialLosses: Array.from(result.initialLosses),
    diverged: Array.from(result.diverged, (d) => d !== 0),
    success: [...s.success],
    successes: s.successes,
    fraction: s.fraction,
    epsilon: s.epsilon,
    medianFinal: s.medianFinal,
  };
}
