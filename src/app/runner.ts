/**
 * The page's jobs, one at a time (a newer one cancels the older): the pipeline for the state, a file or
 * bundle shown in place of it, and the path views (connect two minima, a training trajectory). Each
 * job calls the engine, hands what it returns to the display and says how it went on the status line.
 */
import { bundleSurface } from '../engine/imported';
import { clampConnectRequest, connectFlowOptions } from '../engine/connectRequest';
import { formatDuration } from '../engine/jobRate';
import type { Engine, PipelineResult } from '../engine/pipeline';
import type { TimelineEntry } from '../engine/progressive';
import { JobScheduler } from '../engine/scheduler';
import { surfaceFromGrid } from '../engine/surface';
import { clampTrajectoryRequest, computeTrajectory, trajectoryFlowOptions, type TrajectoryApiResult } from '../engine/trajectory';
import { AbortError, isAborted } from '../gpu/lossGrid.types';
import type { ImportedFile } from '../io/importFile';
import type { Plane } from '../landscape/directions';
import { gridRows, type Surface } from '../landscape/surface';
import { errorMessage } from '../model/errors';
import { describeSpec, paramLayout } from '../model/spec';
import type { AppState } from '../state/appState';
import { formatFlow, parseFlow } from '../state/flow';
import type { KeptMinimum } from '../train/minimaList';
import type { Panel } from '../ui/panel';
import type { StatusBar } from '../ui/statusBar';
import type { ConnectApiResult, ConnectController } from './connectController';
import type { Display, ShownPlane } from './display';
import type { LongJobs, RunWatch } from './longJobs';
import type { Store } from './store';
import type { TrainingController } from './trainingController';

export class Runner {
  private readonly scheduler = new JobScheduler();
  /** A job is running; state changes then go through it, even sublevel-only ones. */
  busy = false;
  /** The pictures the last pipeline job drew (grid size, samples, ms from its start) and its training time. */
  timeline: readonly TimelineEntry[] = [];
  trainMs = 0;
  /** Runs in the pipeline's job after its surface is drawn (compare mode's second surface), before a flow replays. */
  afterSurface: ((result: PipelineResult, signal: AbortSignal) => Promise<void>) | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly store: Store,
    private readonly display: Display,
    private readonly status: StatusBar,
    private readonly panel: Panel,
    private readonly connector: ConnectController,
    private readonly training: TrainingController,
    private readonly longJobs: LongJobs,
  ) {}

  /**
   * Stop the running job; the view keeps the surface (or the coarse level) it shows and says so.
   * False when no job runs.
   */
  cancel(): boolean {
    if (!this.busy || !this.scheduler.cancel()) return false;
    this.busy = false;
    this.display.stopped(() => void this.run({ confirmed: true }).catch(() => undefined));
    this.status.done('cancelled: the view keeps the surface it shows', '');
    return true;
  }

  /** Resolves when the newest job is done; rejects if it failed. */
  settled(): Promise<void> {
    return this.scheduler.settled();
  }

  /**
   * The state's own surface: the pipeline (only the stages the state's change touched), drawn. A long grid
   * asks before it goes on past its first picture (longJobs.ts) unless `confirmed` (a "Refine" press).
   */
  run(opts: { readonly confirmed?: boolean } = {}): Promise<void> {
    this.display.dropOther();
    const state = this.store.state;
    this.store.writeHash();
    const finalSize = state.plane.gridSize;
    return this.job(true, async (signal) => {
      const gridClock = this.longJobs.clock();
      // A holder, not a `let`: the reporter closure below assigns it.
      const train: { watch: RunWatch | null } = { watch: null };
      try {
        const result = await this.engine.compute(
          state,
          signal,
          (stage, fraction, detail) => {
            // A cancelled job may still report until its next check: the status line says it stopped.
            if (isAborted(signal)) return;
            if (stage === 'data') {
              this.status.progress(detail ?? 'loading data…', fraction);
              return;
            }
            let left: string;
            if (stage === 'train') {
              train.watch ??= this.longJobs.watchRun(`Training θ₀ for ${state.train.steps} steps`, this.engine.adapterName, signal, () =>
                this.cancel(),
              );
              left = train.watch.progress(fraction);
            } else {
              train.watch?.finish();
              left = gridClock.progress(fraction);
            }
            const label = stage === 'train' ? 'training θ₀' : `loss grid ${finalSize}²`;
            this.status.progress(`${label} ${Math.round(fraction * 100)}%${left}${detail ? ` · ${detail}` : ''}`, fraction);
            this.display.progress(`${label} ${Math.round(fraction * 100)}%${left}`);
          },
          (coarse) => {
            // A coarse level: drawn at once, replaced by the finer ones as they come.
            if (isAborted(signal)) return;
            this.timeline = coarse.timeline;
            this.display.showResult(coarse, this.store.state);
          },
          opts.confirmed === true
            ? {}
            : {
                plan: async (request) => {
                  const levels = await this.longJobs.planGrid(request, signal, (estimateS) => {
                    const text = `loss grid ${finalSize}²: waiting for your answer · the rest takes ${formatDuration(estimateS)} more`;
                    this.status.progress(text, 0);
                    this.display.progress(`waiting for your answer (${formatDuration(estimateS)} more)`);
                  });
                  gridClock.restart();
                  return levels;
                },
              },
        );
        train.watch?.finish();
        if (signal.aborted) return;
        this.timeline = result.timeline;
        this.trainMs = result.trainMs;
        if (result.warnings.length > 0) this.store.addNotices(result.warnings, 'error');
        this.display.showResult(result, this.store.state);
        this.training.refreshList();
        const [what, timings] = describeResult(result);
        const partial = result.surface.refining;
        if (partial === undefined) {
          this.status.done(what, timings);
        } else {
          // Stopped at a coarse level, as the user chose: it stays; "Refine" goes on from there.
          this.display.stopped(() => void this.run({ confirmed: true }).catch(() => undefined), 'as chosen');
          this.status.done(`stopped at ${result.surface.gridSize}² of ${partial.finalSize}² as chosen · ${what}`, timings);
        }
        if (state.flow === '') await this.afterSurface?.(result, signal);
        // A link to a curve plane or a trajectory: replay it on the surface just drawn (same job).
        if (state.flow !== '') await this.replayFlow(state, signal);
      } catch (err) {
        train.watch?.finish();
        if (signal.aborted) throw err;
        this.store.addNotices([errorMessage(err)], 'error');
        this.display.stopped();
        this.status.done('stopped: the view shows the last good surface', '');
        throw err;
      }
    });
  }

  /** Another job on the page's scheduler (compare mode's second surface): it cancels the running job, and a newer one cancels it. */
  extra(body: (signal: AbortSignal) => Promise<void>): Promise<void> {
    return this.job(true, body);
  }

  /** A kept network as θ₀ (null: θ₀ trained from the state again), and the surface through it. */
  useKept(minimum: KeptMinimum | null): Promise<void> {
    this.engine.setCenter(minimum === null ? null : { id: minimum.id, name: minimum.name, dataKey: minimum.dataKey, theta: minimum.theta });
    // A chosen θ₀ replaces any path view: the link must not replay a curve over it.
    this.store.update({ flow: '' }, { writeHash: false });
    return this.run();
  }

  /** Show an imported file in place of the engine's surface (a bundle is evaluated first). */
  showImported(file: ImportedFile): Promise<void> {
    const state = this.store.state;
    // Not marked busy: a water-level change while a file is read never cancels it.
    return this.job(false, async (signal) => {
      try {
        let shown: ShownPlane;
        const notices: string[] = [];
        if (file.kind === 'surface') {
          shown = { surface: surfaceFromGrid(file.grid, file.name, file.format), recipe: file.grid.recipe ?? null, bundle: null };
        } else {
          const label = `evaluating ${file.name} on a ${state.plane.gridSize}² grid`;
          this.status.progress(label, 0);
          const b = file.bundle;
          const { surface, plane, warnings } = await bundleSurface(this.engine, b, file.name, state, signal, (f) =>
            this.status.progress(label, f),
          );
          notices.push(...warnings);
          shown = {
            surface,
            recipe: {
              spec: b.spec,
              theta: b.theta,
              directionX: plane.directionX,
              directionY: plane.directionY,
              x: b.x,
              y: b.y,
              seed: state.seed,
              stateHash: '',
            },
            bundle: { ...b, directionX: plane.directionX, directionY: plane.directionY },
          };
        }
        if (signal.aborted) return;
        // The water level returns to "auto": the file's losses need not share the old range.
        const { state: now } = this.store.update({ sublevel: { level: 0 } });
        this.panel.sync(now);
        this.display.showOther(shown, now);
        const s = shown.surface;
        const unfilled = file.kind === 'surface' ? file.grid.unfilled : 0;
        this.store.notify(notices, notices.length > 0 ? 'error' : 'info');
        this.status.done(
          `imported ${file.name} (${file.format}, ${s.gridSize} × ${gridRows(s)}${unfilled > 0 ? `, ${unfilled} unfilled cells` : ''})` +
            ' · kept until a data, model, training or plane field changes',
          file.kind === 'bundle' ? `grid ${(s.timings.gridMs / 1000).toFixed(2)} s (${s.device})` : '',
        );
      } catch (err) {
        if (!signal.aborted) this.status.done('import failed: the view shows the surface it showed before', '');
        throw err;
      }
    });
  }

  /** Another card's job shown in place of the state's surface (a model of one's own): one at a time with the rest; cancel() stops it. */
  other(body: (signal: AbortSignal) => Promise<void>): Promise<void> {
    return this.job(true, body);
  }

  /**
   * Mode connectivity: train a curve between two minima, then show the plane through A, θ_b and B in
   * place of the random plane (kept, like an imported surface, until an engine field changes).
   */
  connect(raw: unknown): Promise<ConnectApiResult> {
    return this.pathJob((state, signal) => this.connectJob(raw, state, signal));
  }

  /** The training trajectory of one seed, on the plane of its two principal directions. */
  trajectory(raw: unknown): Promise<TrajectoryApiResult> {
    return this.pathJob((state, signal) => this.trajectoryJob(raw, state, signal));
  }

  private async connectJob(raw: unknown, state: AppState, signal: AbortSignal, replay = false): Promise<ConnectApiResult | null> {
    try {
      const { surface, plane, api } = await this.connector.compute(raw, state, signal);
      if (signal.aborted) return null;
      const notices = [...api.notices];
      // A link replays the curve plane only when A and B came from seeds in this call.
      let flow = '';
      if (api.trainedEndpoints) flow = formatFlow({ run: 'connect', options: connectFlowOptions(clampConnectRequest(raw).request) });
      else notices.push('A or B is a network kept earlier: the link does not replay this curve plane (it reproduces the random plane)');
      this.showPathPlane(surface, plane, state, flow, replay);
      this.store.notify(notices);
      this.status.done(
        `plane through A, θ_b, B · line barrier ${api.lineBarrier.toPrecision(3)} · ${api.kind} barrier ${api.curveBarrier.toPrecision(3)}` +
          ' · kept until a data, model, training or plane field changes',
        `curve ${(api.ms.curve / 1000).toFixed(2)} s · ${api.t.length}-point evaluation ${api.ms.evaluation.toFixed(0)} ms · grid ${(api.ms.grid / 1000).toFixed(2)} s (${api.device})`,
      );
      return api;
    } catch (err) {
      this.pathFailed('connect', err, signal);
      throw err;
    }
  }

  private async trajectoryJob(raw: unknown, state: AppState, signal: AbortSignal, replay = false): Promise<TrajectoryApiResult | null> {
    try {
      const t = await computeTrajectory(
        this.engine,
        state,
        raw,
        signal,
        (label, f) => this.status.progress(`trajectory: ${label}`, f),
        (id) => this.training.minima.get(id),
      );
      if (signal.aborted) return null;
      this.connector.showPaths(t.surface, t.overlay, t.chart);
      // A kept network's stored path cannot be replayed from a link; a run trained now can.
      const request = clampTrajectoryRequest(raw, state).request;
      const flow = request.id === null ? formatFlow({ run: 'trajectory', options: trajectoryFlowOptions(request) }) : '';
      this.showPathPlane(t.surface, t.plane, state, flow, replay);
      const api = t.api;
      this.store.notify(api.notices);
      this.status.done(
        `trajectory plane: ${(100 * (api.explained[0] + api.explained[1])).toFixed(1)} % of the path's variance · kept until a data, model, training or plane field changes`,
        `train ${(api.ms.train / 1000).toFixed(2)} s · grid ${(api.ms.grid / 1000).toFixed(2)} s (${api.device})`,
      );
      return api;
    } catch (err) {
      this.pathFailed('trajectory', err, signal);
      throw err;
    }
  }

  /** A path view as a job on a copy of the state; rejects with AbortError when replaced. */
  private pathJob<T>(body: (state: AppState, signal: AbortSignal) => Promise<T | null>): Promise<T> {
    const state = this.store.state;
    let out: T | null = null;
    return this.job(true, async (signal) => {
      out = await body(state, signal);
    }).then(() => {
      if (out === null) throw new AbortError();
      return out;
    });
  }

  /**
   * Show a path view's plane in place of the random one and record its flow. A new plane starts with
   * the water level on "auto"; a replayed link keeps the level it names.
   */
  private showPathPlane(surface: Surface, plane: Plane, state: AppState, flow: string, replay: boolean): void {
    const { data, spec } = this.engine.dataFor(state);
    const { center, directionX, directionY } = plane;
    const shown: ShownPlane = {
      surface,
      recipe: { spec, theta: center, directionX, directionY, x: data.x, y: data.y, seed: state.seed, stateHash: '' },
      bundle: { spec, theta: center, m: data.m, x: data.x, y: data.y, directionX, directionY },
    };
    const level = replay ? this.store.state.sublevel.level : 0;
    const { state: now } = this.store.update({ flow, sublevel: { level } });
    this.panel.sync(now);
    this.display.showOther(shown, now);
  }

  /** A path view failed: its message, and the status line says the view is unchanged (nothing when replaced). */
  private pathFailed(label: string, err: unknown, signal: AbortSignal): void {
    if (signal.aborted) return;
    this.store.notify([errorMessage(err)], 'error');
    this.status.done(`${label} failed: the view shows the surface it showed before`, '');
  }

  /** Replays the flow of a link (connect or trajectory) after its surface is drawn; a bad flow is a notice. */
  private async replayFlow(state: AppState, signal: AbortSignal): Promise<void> {
    const { flow, error } = parseFlow(state.flow);
    if (error !== null || flow === null) {
      if (error !== null) this.store.addNotices([error], 'error');
      return;
    }
    if (flow.run === 'connect') await this.connectJob(flow.options, state, signal, true);
    else await this.trajectoryJob(flow.options, state, signal, true);
  }

  /** A scheduler job; `busy` marks the page busy while it runs (the state's surface is then not final). */
  private job(busy: boolean, body: (signal: AbortSignal) => Promise<void>): Promise<void> {
    if (busy) this.busy = true;
    return this.scheduler.start(async (signal) => {
      try {
        await body(signal);
      } finally {
        if (!signal.aborted) this.busy = false;
      }
    });
  }
}

/** The status line of a drawn result: the network, θ₀, and where and how long it took. */
function describeResult(result: PipelineResult): [string, string] {
  const s = result.surface;
  const origin = result.origin;
  // θ₀ is trained where the pipeline says (a GPU training that failed fell back to the CPU); the grid may
  // run on another engine (the faster one for grids, calibrate.ts). GPU training and the CPU's SIMD engine
  // sum in float32 in different orders, so one link can give two θ₀ (README).
  const trainedOnCpu = result.trainDevice === 'cpu';
  const where =
    origin.kind === 'trained'
      ? ` · trained on the ${trainedOnCpu ? 'CPU' : 'GPU'}`
      : origin.kind === 'fixed'
        ? ` · fixed: ${origin.why}`
        : '';
  const train =
    (origin.kind === 'kept' ? `θ₀ = kept "${origin.name}" · ` : '') +
    (result.diverged ? `training diverged${where}` : `θ₀ loss ${result.trainLoss.toPrecision(4)}${where}`);
  return [
    `${describeSpec(result.spec)} · ${paramLayout(result.spec).size} params · m=${result.data.m} · ${train}`,
    `train ${(s.timings.trainMs / 1000).toFixed(2)} s · grid ${(s.timings.gridMs / 1000).toFixed(2)} s (${s.device})` +
      (s.nonFinite > 0 ? ` · ${s.nonFinite} points Inf/NaN (clipped, marked)` : ''),
  ];
}
