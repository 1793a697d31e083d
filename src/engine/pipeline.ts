/**
 * The pipeline state → data → θ₀ → plane → surface, with one cache per stage keyed by the state fields
 * that stage reads: a view, camera, water-level or isoline change never reaches it, a span change
 * redoes only the surface, a data or seed change retrains. Runs in the page, in Node and in tests; the
 * backends decide where the work happens.
 */
import type { Dataset } from '../data/dataset';
import { ensureDataLoaded, needsLoading } from '../data/generators';
import { buildData } from '../data/recipe';
import { AbortError, throwIfAborted, type GridResult } from '../gpu/lossGrid.types';
import type { VectorLossResult } from '../gpu/vectorLoss.types';
import { planeThrough, type Plane } from '../landscape/directions';
import { computeHessian, EIGEN_ONLY, type HessianOptions, type HessianResult } from '../landscape/hessian';
import type { PathEvaluation } from '../landscape/pathEval';
import type { Path } from '../landscape/paths';
import type { Surface } from '../landscape/surface';
import type { Samples } from '../model/samples';
import { paramLayout, type MlpSpec } from '../model/spec';
import type { AppState } from '../state/appState';
import type { MultiSeedOptions, MultiSeedResult } from '../train/multiSeed.types';
import { curveOptionsOf } from '../train/curveTraining.types';
import {
  withFallback,
  type Backend,
  type CurveBatchJob,
  type CurveJob,
  type CurveResult,
  type FallbackWording,
  type MultiSeedJob,
} from './backend';
import type { CenterResult } from './backend';
import { backendOracle, curvaturePlane, type CurvatureAxes } from './curvaturePlane';
import { mlpModel } from './mlpModel';
import type { LandscapeModel, PlanePoints, ThetaOrigin } from './model';
import { squarePoints } from './levels';
import { Refinement, SUBSAMPLE, type TimelineEntry } from './progressive';
import { gridUnits, RateBook, trainUnits } from './jobRate';
import {
  calibrate,
  CPU_ENGINE,
  gpuEngineId,
  loadCalibration,
  modelSize,
  pickEngine,
  saveCalibration,
  variantOf,
  type Calibration,
  type CalibrationStorage,
  type Candidate,
  type EngineChoice,
  type EngineId,
} from './calibrate';
import { gridVariant, gridVariantIds, variantFits } from '../gpu/lossGridVariants';

export { squarePoints };
import { computedSurface } from './surface';

/** Pictures while θ₀ trains: a WATCH_GRID² grid, at most one every WATCH_MS, about WATCH_PICTURES in all. */
const WATCH_GRID = 17;
const WATCH_MS = 250;
const WATCH_PICTURES = 20;

export interface PipelineResult {
  readonly surface: Surface;
  readonly model: LandscapeModel;
  readonly spec: MlpSpec;
  readonly data: Dataset;
  readonly theta: Float32Array;
  readonly origin: ThetaOrigin;
  readonly plane: Plane;
  readonly trainLoss: number;
  readonly diverged: boolean;
  /** Things the user should know about this result (e.g. the GPU failed and the CPU took over). */
  readonly warnings: readonly string[];
  /** The pictures this job drew so far: grid size, samples, ms from the job's start (training excluded). */
  readonly timeline: readonly TimelineEntry[];
  /** Time this job spent training θ₀ (0 when θ₀ was cached), ms. */
  readonly trainMs: number;
  /** Where the plane's centre is, in the directions' units from θ₀ (the state's centerAlpha, centerBeta). */
  readonly planeCenter: { readonly alpha: number; readonly beta: number };
  /** Where θ₀ was trained (null: not trained here, e.g. a kept network or a fixed point). */
  readonly trainDevice: 'webgpu' | 'cpu' | null;
}

/** The grid engine a job ran on, and why it was that one (the status line says both). */
export interface EngineUse {
  readonly engine: EngineId;
  /** E.g. "SIMD CPU engine (WebAssembly, all cores) in a Web Worker" or "WebGPU register tiles kernel on …". */
  readonly label: string;
  /** E.g. "chosen: 11.6× faster than the WebGPU register tiles kernel on … here", "as asked (eng=cpu)". */
  readonly why: string;
  readonly kind: 'webgpu' | 'cpu';
}

/** Where a grid job goes: a backend, the GPU kernel variant, and why. */
interface GridRoute extends EngineUse {
  readonly backend: Backend;
  readonly variant: string | undefined;
}

/** A level of a grid still to compute and its estimated time on this device (null: no rate measured yet). */
export interface GridAhead {
  readonly size: number;
  readonly seconds: number | null;
}

/** What `ComputeOptions.plan` is asked once a grid's first picture is drawn. */
export interface GridPlanRequest {
  readonly finalSize: number;
  /** The level on screen now. */
  readonly shownSize: number;
  /** The levels still to compute, coarsest first; the last is the final grid. */
  readonly ahead: readonly GridAhead[];
  /** Where the grid runs (the backend's label) and its kind. */
  readonly device: string;
  readonly backend: 'webgpu' | 'cpu';
}

export interface ComputeOptions {
  /**
   * Asked before the grid's next level once a picture is drawn (at most once per job): how many of the
   * levels ahead to compute. Fewer than all stops the job after them with a coarse surface
   * (`surface.refining` stays set); the same state computed again resumes there.
   */
  readonly plan?: (request: GridPlanRequest) => Promise<number>;
}

/** 'data': a data file is being fetched (detail says which); 'train': θ₀ is trained; 'grid': the surface. */
export type StatusReporter = (stage: 'data' | 'train' | 'grid', fraction: number, detail?: string) => void;

/**
 * A kept network chosen as the centre θ₀ of the plane. It replaces training while the page's data and
 * network (`dataKey`) are the ones it was trained for.
 */
export interface CenterOverride {
  readonly id: number;
  readonly name: string;
  readonly dataKey: string;
  readonly theta: Float32Array;
}

/** A job's value, the backend that made it and what the user should know. */
export interface Ran<T> {
  readonly value: T;
  readonly backend: Backend;
  readonly warnings: string[];
}

/** The cache key of the data and network stage of a state. */
export function dataKeyOf(state: Pick<AppState, 'seed' | 'data' | 'model'>): string {
  return JSON.stringify([state.seed, state.data, state.model]);
}

/** The stage keys of a state: each names exactly the fields its stage (and the ones before) reads. */
export function stageKeys(
  state: AppState,
  center: { readonly id: number } | null,
): { data: string; train: string; plane: string; surface: string } {
  const data = dataKeyOf(state);
  const train = JSON.stringify([data, center ? { center: center.id } : state.train]);
  const plane = JSON.stringify([
    train,
    state.plane.filterNormalize,
    state.plane.keepBiasDirections,
    state.plane.directions,
    state.plane.centerAlpha,
    state.plane.centerBeta,
  ]);
  const surface = JSON.stringify([plane, state.plane.gridSize, state.plane.span]);
  return { data, train, plane, surface };
}

interface TrainStage {
  readonly key: string;
  readonly theta: Float32Array;
  readonly loss: number;
  readonly diverged: boolean;
  readonly origin: ThetaOrigin;
  readonly warnings: readonly string[];
  readonly device: 'webgpu' | 'cpu' | null;
}

export interface EngineBackends {
  /** The GPU backend (kind 'webgpu'), or null without WebGPU. */
  readonly gpu: Backend | null;
  /** A new GPU backend after the device was lost (a new device from the adapter); absent: none is asked for. */
  readonly renewGpu?: () => Promise<Backend | null>;
  /** Makes a CPU backend: one for surfaces, one for training, so cancelling one never cancels the other. */
  readonly cpu: () => Backend;
  /** Words for the CPU engine on the status line (default: the CPU backend's label). */
  readonly cpuEngineLabel?: string;
}

export class Engine {
  private gpuBackend: Backend | null;
  private readonly renewGpu: (() => Promise<Backend | null>) | null;
  /** A new device being requested after the old one was lost; the next job waits for it. */
  private renewing: Promise<void> | null = null;
  /** Said with the next result: the device was replaced. */
  private deviceNotices: string[] = [];
  private readonly cpu: Backend;
  private readonly trainCpu: Backend;
  private readonly makeCpu: () => Backend;
  private previewCpu: Backend | null = null;
  private center: CenterOverride | null = null;
  private dataCache: { key: string; data: Dataset; spec: MlpSpec; model: LandscapeModel } | null = null;
  private trainCache: TrainStage | null = null;
  /** The trained θ₀ set aside while a kept network is the centre, so going back never retrains. */
  private trainedAside: TrainStage | null = null;
  private planeCache: { key: string; plane: Plane } | null = null;
  private surfaceCache: { key: string; refinement: Refinement; warnings: string[] } | null = null;
  private readonly hessians = new WeakMap<Float32Array, Map<string, Ran<HessianResult>>>();
  private readonly curvatures = new WeakMap<Plane, CurvatureAxes>();
  /** How often each stage ran (tests check what a change recomputes). */
  readonly runs = { data: 0, train: 0, plane: 0, surface: 0 };
  /** How fast this device computes grids and trainings, per backend kind, measured by the jobs run so far. */
  readonly rates = new RateBook();
  private choice: EngineChoice = 'auto';
  private calibrated: Calibration | null = null;
  private calibrating: Promise<Calibration | null> | null = null;
  private readonly cpuEngineLabel: string;
  private warnedChoice: EngineChoice | null = null;
  /** The engine the last grid job ran on (null before one ran). */
  lastEngine: EngineUse | null = null;
  /** Told the engine each grid job runs on (the page's status line). */
  onEngineUsed: ((use: EngineUse) => void) | null = null;

  constructor(backends: EngineBackends) {
    this.gpuBackend = backends.gpu;
    this.renewGpu = backends.renewGpu ?? null;
    this.makeCpu = backends.cpu;
    this.cpu = backends.cpu();
    this.trainCpu = backends.cpu();
    this.cpuEngineLabel = backends.cpuEngineLabel ?? this.cpu.label;
  }

  /** What grids run on: 'auto' (the calibration's pick per workload size), 'gpu' (its best variant), or one engine. */
  get engineChoice(): EngineChoice {
    return this.choice;
  }

  /** Run grids on `choice` from the next job on; the surface is computed again (on the engine now chosen). */
  setEngineChoice(choice: EngineChoice): void {
    if (choice === this.choice) return;
    this.choice = choice;
    this.warnedChoice = null;
    this.surfaceCache = null;
  }

  /** The calibration in use (null: none yet, or no GPU to choose against). */
  get calibration(): Calibration | null {
    return this.calibrated;
  }

  /** The device words a calibration is kept under: the adapter and the CPU engine. */
  private calibrationDevice(gpu: Backend): string {
    return `${gpu.label} | ${this.cpuEngineLabel}`;
  }

  /**
   * Measure the grid engines of this device (the GPU kernel variants and the CPU engine) once, or take the
   * calibration kept in `storage` for the same adapter and engine version. Jobs wait for it. Candidates that
   * fail are said in the next result's notices and never used. Without WebGPU there is nothing to choose.
   */
  calibrate(
    storage: CalibrationStorage | null,
    model: (spec: MlpSpec, samples: Samples) => LandscapeModel = mlpModel,
    options: { readonly fresh?: boolean } = {},
  ): Promise<Calibration | null> {
    const gpu = this.gpu;
    if (gpu === null) return Promise.resolve(null);
    const device = this.calibrationDevice(gpu);
    const kept = options.fresh === true ? null : loadCalibration(storage, device);
    const adopt = (cal: Calibration): Calibration => {
      for (const f of cal.failed)
        this.deviceNotices.push(`The ${this.engineLabel(f.engine)} failed its calibration (${f.reason}); it is never used on this device.`);
      this.calibrated = cal;
      return cal;
    };
    // A kept calibration is taken at once: no job waits, the status line never says "measuring".
    if (kept !== null) return Promise.resolve(adopt(kept));
    const job = (async (): Promise<Calibration | null> => {
      const candidates: Candidate[] = [
        ...gridVariantIds().map((variant): Candidate => ({
          engine: gpuEngineId(variant),
          label: this.engineLabel(gpuEngineId(variant)),
          lossGrid: (m, points, signal) => gpu.lossGrid(m, points, { signal, gridVariant: variant }),
          fits: (spec) => variantFits(variant, spec),
        })),
        { engine: CPU_ENGINE, label: this.cpuEngineLabel, lossGrid: (m, points, signal) => this.cpu.lossGrid(m, points, { signal }) },
      ];
      let cal: Calibration;
      try {
        cal = await calibrate(candidates, { device, model });
      } catch {
        return null;
      }
      saveCalibration(storage, cal);
      return adopt(cal);
    })();
    this.calibrating = job;
    void job.finally(() => {
      if (this.calibrating === job) this.calibrating = null;
    });
    return job;
  }

  /** Words for an engine: "SIMD CPU engine …" or "WebGPU register tiles kernel on <adapter>". */
  engineLabel(engine: EngineId): string {
    const variant = variantOf(engine);
    if (variant === null) return this.cpuEngineLabel;
    let words = variant;
    try {
      words = gridVariant(variant).label;
    } catch {
      // an unknown variant keeps its id
    }
    return `WebGPU ${words} kernel on ${this.gpu?.label ?? 'no adapter'}`;
  }

  /**
   * Where a grid of `model` runs: the engine asked for (eng=…), else the calibration's pick for the model's
   * size, else (not calibrated, a model of one's own) the GPU's default kernel as before; the CPU without a GPU.
   * An engine that failed calibration is never used (one notice when it was asked for).
   */
  private route(model: LandscapeModel, notices: string[] | null): GridRoute {
    const gpu = this.gpu;
    const cpu = (why: string): GridRoute => this.cpuRoute(why);
    if (gpu === null) return cpu('no WebGPU here');
    const onGpu = (engine: EngineId, why: string): GridRoute => ({
      engine,
      label: this.engineLabel(engine),
      why,
      kind: 'webgpu',
      backend: gpu,
      variant: variantOf(engine) ?? undefined,
    });
    const cal = this.calibrated;
    const failed = (engine: EngineId): boolean => cal?.failed.some((f) => f.engine === engine) ?? false;
    // The GPU variants that passed calibration and can compute this network (every one for a model of one's own).
    const spec = model.recipe.kind === 'mlp' ? model.recipe.spec : null;
    const gpuEngines = gridVariantIds()
      .filter((v) => spec === null || variantFits(v, spec))
      .map(gpuEngineId)
      .filter((e) => !failed(e));
    const size = modelSize(model);
    const choice = this.choice;
    if (choice !== 'auto') {
      const asked = `as asked (eng=${choice})`;
      if (choice === CPU_ENGINE && !failed(CPU_ENGINE)) return cpu(asked);
      if (choice === 'gpu' && gpuEngines.length > 0) {
        const best = cal !== null && size !== null ? pickEngine(cal, gpuEngines, size) : null;
        return onGpu(best?.engine ?? gpuEngines[0] ?? gpuEngineId('tiles'), asked);
      }
      if (gpuEngines.includes(choice)) return onGpu(choice, asked);
      if (notices !== null && this.warnedChoice !== choice) {
        this.warnedChoice = choice;
        notices.push(
          `eng=${choice} is not usable here (it failed its calibration or does not exist): the engine is chosen as for eng=auto.`,
        );
      }
    }
    if (size === null) return onGpu(gpuEngines[0] ?? gpuEngineId('tiles'), 'a model of one’s own runs on the GPU');
    const pick = cal === null ? null : pickEngine(cal, [...gpuEngines, CPU_ENGINE], size);
    if (pick === null)
      return gpuEngines[0] === undefined ? cpu('the GPU kernels failed calibration') : onGpu(gpuEngines[0], 'not calibrated');
    const why =
      pick.runnerUp === null
        ? 'chosen: the only engine that passed calibration'
        : `chosen: ${(pick.rate / pick.runnerUp.rate).toFixed(1)}× faster than the ${this.engineLabel(pick.runnerUp.engine)} here`;
    return pick.engine === CPU_ENGINE ? cpu(why) : onGpu(pick.engine, why);
  }

  /** The engine a grid of `model` would run on now (the console's `landscape.engine()`). */
  engineFor(model: LandscapeModel): EngineUse {
    const { backend: _b, variant: _v, ...use } = this.route(model, null);
    return use;
  }

  private used(route: GridRoute, backend: Backend): void {
    const { backend: _b, variant: _v, ...use } = route;
    const actual: EngineUse =
      backend === route.backend ? use : { engine: CPU_ENGINE, label: this.cpuEngineLabel, why: 'after a GPU failure', kind: 'cpu' };
    this.lastEngine = actual;
    this.onEngineUsed?.(actual);
  }

  /** A grid job on its route's engine, falling back to the CPU when a GPU kernel fails. */
  private routed<T>(
    route: GridRoute,
    wording: FallbackWording,
    signal: AbortSignal,
    notices: string[],
    job: (b: Backend, ctl: { gridVariant?: string }) => Promise<T>,
  ): Promise<{ value: T; backend: Backend }> {
    const ctl = route.variant === undefined ? {} : { gridVariant: route.variant };
    const gpu = route.kind === 'webgpu' ? route.backend : null;
    return withFallback({ gpu, cpu: this.cpu }, wording, signal, notices, (b) => job(b, b === gpu ? ctl : {}), this.gpuFailed).then(
      (ran) => {
        this.used(route, ran.backend);
        return ran;
      },
    );
  }

  /** The GPU backend in use (a new one after a lost device), or null. */
  get gpu(): Backend | null {
    return this.gpuBackend;
  }

  /**
   * After a GPU job failed: when its device is gone, ask for a new one (once); the next job waits for it
   * and runs on it, and its result says so.
   */
  private gpuFailed = (gpu: Backend): void => {
    if (this.renewing !== null || this.renewGpu === null || gpu !== this.gpuBackend || gpu.isLost?.() !== true) return;
    const renew = this.renewGpu;
    this.renewing = renew()
      .then((next) => {
        gpu.dispose();
        this.gpuBackend = next;
        this.deviceNotices.push(
          next === null
            ? 'The GPU device was lost and no new one could be made: jobs run on the CPU reference from now on.'
            : `The GPU device was lost; a new device was made on ${next.label} and jobs run on it again.`,
        );
      })
      .catch(() => {
        this.gpuBackend = null;
      })
      .finally(() => {
        this.renewing = null;
      });
  };

  get deviceKind(): 'webgpu' | 'cpu' {
    return this.gpu ? 'webgpu' : 'cpu';
  }

  /** Where the engine computes: the GPU adapter, or the CPU backend. */
  get adapterName(): string {
    return this.gpu?.label ?? this.cpu.label;
  }

  /**
   * The surface of a state: only the stages the state's change touched run. Coarse levels are handed to
   * `onPicture` as they are done; the promise resolves with the final grid.
   */
  async compute(
    state: AppState,
    signal: AbortSignal,
    report: StatusReporter,
    onPicture?: (coarse: PipelineResult) => void,
    options: ComputeOptions = {},
  ): Promise<PipelineResult> {
    if (this.renewing !== null) await this.renewing;
    if (this.calibrating !== null) {
      report('data', 0, 'measuring the grid engines of this device (once per adapter)…');
      await this.calibrating;
    }
    const deviceNotices = this.deviceNotices.splice(0);
    if (needsLoading(state.data.kind)) report('data', 0, `loading the ${state.data.kind} data…`);
    await this.dataReady(state);
    if (signal.aborted) throw new AbortError();
    const { key: dataKey, data, spec, model } = this.dataFor(state);

    const center = this.center?.dataKey === dataKey ? this.center : null;
    const centerWarnings: string[] = [];
    if (this.center && !center) {
      centerWarnings.push(`θ₀ is trained again: the kept network "${this.center.name}" belongs to other data or another network`);
      this.center = null;
    }
    const keys = stageKeys(state, center);
    let trainMs = 0;
    if (this.trainCache?.key !== keys.train) {
      const t0 = performance.now();
      if (this.trainCache && this.trainCache.origin.kind !== 'kept') this.trainedAside = this.trainCache;
      if (!center && this.trainedAside?.key === keys.train) {
        this.trainCache = this.trainedAside;
      } else {
        // While θ₀ trains on a GPU: a coarse surface around the current iterate, drawn as it goes.
        const watch = (step: number, theta: Float32Array, plane: Plane, grid: GridResult): void => {
          const steps = state.train.steps;
          const surface = computedSurface({
            gridSize: WATCH_GRID,
            span: state.plane.span,
            result: grid,
            centerLoss: grid.loss[(WATCH_GRID * WATCH_GRID - 1) / 2] ?? Number.NaN,
            backend: this.gpu ?? this.cpu,
            gridMs: 0,
            trainMs: 0,
            refining: { finalSize: state.plane.gridSize, approximate: false, training: { step, steps } },
          });
          onPicture?.({
            surface,
            model,
            spec,
            data,
            theta,
            origin: { kind: 'trained', seed: state.seed, steps: step },
            plane,
            trainLoss: surface.centerLoss,
            diverged: false,
            warnings: [],
            timeline: [],
            trainMs: 0,
            planeCenter: { alpha: state.plane.centerAlpha, beta: state.plane.centerBeta },
            trainDevice: this.gpu ? 'webgpu' : 'cpu',
          });
        };
        this.trainCache = await this.trainStage(
          keys.train,
          state,
          model,
          center,
          signal,
          report,
          onPicture && state.view.watchTraining ? watch : null,
        );
        trainMs = performance.now() - t0;
      }
      this.planeCache = null;
    }
    const trained = this.trainCache;

    if (this.planeCache?.key !== keys.plane) {
      this.runs.plane++;
      const plane =
        state.plane.directions === 'random'
          ? planeOf(state, model, trained.theta)
          : await this.curvaturePlaneOf(state, model, trained.theta, signal, report);
      this.planeCache = { key: keys.plane, plane };
      this.surfaceCache = null;
    }
    const { plane } = this.planeCache;

    if (this.surfaceCache?.key !== keys.surface) {
      this.runs.surface++;
      this.surfaceCache = {
        key: keys.surface,
        refinement: new Refinement(model, plane, state.plane.gridSize, state.plane.span),
        warnings: [],
      };
    }
    const entry = this.surfaceCache;
    const jobStart = performance.now();
    const timeline: TimelineEntry[] = [];
    const result = (surface: Surface): PipelineResult => ({
      surface,
      model,
      spec,
      data,
      theta: trained.theta,
      origin: trained.origin,
      plane,
      trainLoss: trained.loss,
      diverged: trained.diverged,
      warnings: [...deviceNotices, ...centerWarnings, ...trained.warnings, ...entry.warnings],
      timeline,
      trainMs,
      planeCenter: { alpha: state.plane.centerAlpha, beta: state.plane.centerBeta },
      trainDevice: trained.device,
    });
    const drawn = (surface: Surface, samples: number): void => {
      timeline.push({ gridSize: surface.gridSize, samples, ms: performance.now() - jobStart });
      onPicture?.(result(surface));
    };
    const refinement = entry.refinement;
    // A job that resumes a refinement shows the level it had reached at once.
    if (!refinement.finished && refinement.picture !== null) drawn(refinement.picture, model.sampleCount);
    if (!refinement.finished) {
      // The engine picked for this model (calibration, or eng=…); once the GPU has failed for this
      // surface, its remaining levels stay on the CPU (one notice).
      let route = this.route(model, entry.warnings);
      const plan = options.plan;
      await refinement.refine(
        async (m, points, onProgress) => {
          const ran = await this.routed(
            route,
            { failed: 'kernel', instead: 'this surface was computed' },
            signal,
            entry.warnings,
            (b, ctl) => b.lossGrid(m, points, { signal, onProgress, ...ctl }),
          );
          if (ran.backend !== route.backend) route = this.cpuRoute('after a GPU failure');
          return ran;
        },
        signal,
        (fraction, level) => {
          const shown = refinement.picture;
          report('grid', fraction, `computing ${level.size}²${shown === null ? '' : ` · ${shown.gridSize}² shown`}`);
        },
        (picture, level) => drawn(picture, level.approximate ? SUBSAMPLE : model.sampleCount),
        trainMs,
        {
          measured: (points, samples, ms, backend) =>
            this.rates.record(backend.kind, 'grid', gridUnits(points, samples, model.layout.size), ms),
          ...(plan === undefined ? {} : { plan: (ahead) => this.planGrid(plan, refinement, model, ahead) }),
        },
      );
    }
    const final = refinement.picture;
    if (final === null) throw new Error('the surface stage finished without a surface');
    timeline.push({ gridSize: final.gridSize, samples: model.sampleCount, ms: performance.now() - jobStart });
    return result(final);
  }

  /** The levels ahead with their estimated times, handed to the caller's plan. */
  private planGrid(
    plan: NonNullable<ComputeOptions['plan']>,
    refinement: Refinement,
    model: LandscapeModel,
    ahead: readonly { size: number; points: number; samples: number }[],
  ): Promise<number> {
    const backend = refinement.backend ?? this.route(model, null).backend;
    return plan({
      finalSize: refinement.gridSize,
      shownSize: refinement.picture?.gridSize ?? 0,
      ahead: ahead.map((l) => ({
        size: l.size,
        seconds: this.rates.seconds(backend.kind, 'grid', gridUnits(l.points, l.samples, model.layout.size)),
      })),
      device: backend.label,
      backend: backend.kind,
    });
  }

  /** θ₀: a kept network, the saddle of u·v·x, or full-batch Adam from the seed's initialisation. */
  private async trainStage(
    key: string,
    state: AppState,
    model: LandscapeModel,
    center: CenterOverride | null,
    signal: AbortSignal,
    report: StatusReporter,
    watch: ((step: number, theta: Float32Array, plane: Plane, grid: GridResult) => void) | null = null,
  ): Promise<TrainStage> {
    this.runs.train++;
    if (center) {
      const theta = center.theta.slice();
      const { loss } = await model.evaluate(theta);
      return {
        key,
        theta,
        loss,
        diverged: !Number.isFinite(loss),
        origin: { kind: 'kept', id: center.id, name: center.name },
        warnings: [],
        device: null,
      };
    }
    if (state.data.kind === 'uvx') {
      // The whole weight space is the plane: centre at the saddle, nothing to train.
      const theta = new Float32Array(model.layout.size);
      return {
        key,
        theta,
        loss: (await model.evaluate(theta)).loss,
        diverged: false,
        origin: { kind: 'fixed', why: 'the saddle of u·v·x' },
        warnings: [],
        device: null,
      };
    }
    const gradients = model.gradients;
    if (gradients === null) throw new Error(`${model.label} has no gradients: θ₀ cannot be trained here`);
    const { steps, learningRate } = state.train;
    const job = { spec: gradients.spec, samples: gradients.samples, theta0: model.initialTheta(state.seed), steps, learningRate };
    const warnings: string[] = [];
    const t0 = performance.now();
    const { value, backend } = await withFallback(
      this.backends(this.cpu),
      { failed: 'training', instead: 'θ₀ was trained' },
      signal,
      warnings,
      (b) =>
        b.trainCenter(job, {
          signal,
          onStep: (step, loss) => report('train', step / Math.max(1, steps), `step ${step} · loss ${loss.toPrecision(4)}`),
          ...(watch === null ? {} : this.watchIterates(state, model, steps, watch)),
        }),
      this.gpuFailed,
    );
    // Not while a coarse surface was drawn between the steps: that time is not training.
    if (watch === null)
      this.rates.record(backend.kind, 'train', trainUnits(steps, 1, model.sampleCount, model.layout.size), performance.now() - t0);
    return {
      key,
      theta: value.theta,
      loss: value.finalLoss,
      diverged: value.diverged,
      origin: { kind: 'trained', seed: state.seed, steps },
      warnings,
      device: backend.kind,
    };
  }

  /** Every few steps (at most every WATCH_MS): a WATCH_GRID² grid on the plane through the current iterate. */
  private watchIterates(
    state: AppState,
    model: LandscapeModel,
    steps: number,
    watch: (step: number, theta: Float32Array, plane: Plane, grid: GridResult) => void,
  ): { iterateEvery: number; onIterate: NonNullable<Parameters<Backend['trainCenter']>[1]['onIterate']> } {
    let last = performance.now();
    return {
      iterateEvery: Math.max(1, Math.floor(steps / WATCH_PICTURES)),
      onIterate: async (step, theta, lossGrid) => {
        if (step >= steps || performance.now() - last < WATCH_MS) return;
        const plane = planeOf(state, model, theta);
        watch(step, theta, plane, await lossGrid(model, squarePoints(plane, WATCH_GRID, state.plane.span)));
        last = performance.now();
      },
    };
  }

  /**
   * θ by full-batch Adam from a start vector, exactly as the θ₀ stage trains it (the same job on the same
   * backends), but apart from its cache: compare mode's θ₀ from another training seed.
   */
  trainFrom(
    model: LandscapeModel,
    theta0: Float32Array,
    train: AppState['train'],
    signal: AbortSignal,
    onStep: (step: number, loss: number) => void,
  ): Promise<Ran<CenterResult>> {
    const gradients = model.gradients;
    if (gradients === null) return Promise.reject(new Error(`${model.label} has no gradients: θ₀ cannot be trained here`));
    const job = { spec: gradients.spec, samples: gradients.samples, theta0, steps: train.steps, learningRate: train.learningRate };
    return this.run(this.cpu, { failed: 'training', instead: 'θ₀ was trained' }, signal, (b) => b.trainCenter(job, { signal, onStep }));
  }

  /** The surface of a square grid over [−span, span]² on a plane, with θ₀'s own loss at its centre. */
  async planeSurface(
    model: LandscapeModel,
    plane: Plane,
    gridSize: number,
    span: number,
    signal: AbortSignal,
    onProgress: (fraction: number) => void,
    warnings: string[],
    trainMs = 0,
    imported?: { readonly name: string; readonly format: string },
  ): Promise<Surface> {
    const points = squarePoints(plane, gridSize, span);
    const t0 = performance.now();
    const { value, backend } = await this.routed(
      this.route(model, warnings),
      { failed: 'kernel', instead: 'this surface was computed' },
      signal,
      warnings,
      async (b, ctl) => {
        const grid = await b.lossGrid(model, points, { signal, onProgress, ...ctl });
        const centre = await b.lossGrid(model, squarePoints(plane, 1, 0), { signal, ...ctl });
        return { grid, centerLoss: centre.loss[0] ?? Number.NaN };
      },
    );
    const gridMs = performance.now() - t0;
    return computedSurface({
      gridSize,
      span,
      result: value.grid,
      centerLoss: value.centerLoss,
      backend,
      gridMs,
      trainMs,
      ...(imported ? { imported } : {}),
    });
  }

  /**
   * Resolves when `dataFor(state)` can run: fetches a data file the state needs (the digits) once;
   * rejects with a readable message when it cannot be loaded (a later call tries again).
   */
  dataReady(state: AppState): Promise<void> {
    return ensureDataLoaded(state.data.kind);
  }

  /** The data set, network and model of a state (the first stage, cached). Await `dataReady` first. */
  dataFor(state: AppState): { key: string; data: Dataset; spec: MlpSpec; model: LandscapeModel } {
    const key = dataKeyOf(state);
    if (this.dataCache?.key !== key) {
      this.runs.data++;
      const { data, spec } = buildData(state);
      this.dataCache = { key, data, spec, model: mlpModel(spec, data) };
    }
    return this.dataCache;
  }

  /**
   * A loss grid of any state apart from the page's caches (gallery thumbnails): θ₀ trained as `compute`
   * would, the same plane. On the GPU between the page's own jobs, else on a CPU backend of its own (in
   * the page: a third worker), so a preview never cancels or delays the page's training or surface. Abort
   * it to let the page's jobs through at once.
   */
  async previewGrid(state: AppState, gridSize: number, signal: AbortSignal): Promise<Float32Array> {
    await this.dataReady(state);
    throwIfAborted(signal);
    const { data, spec } = buildData(state);
    const model = mlpModel(spec, data);
    const route = this.route(model, null);
    const gpu = this.gpu;
    const backend = gpu ?? (this.previewCpu ??= this.makeCpu());
    const gridBackend = route.kind === 'webgpu' ? backend : (this.previewCpu ??= this.makeCpu());
    const ctl = route.variant === undefined || gridBackend !== gpu ? {} : { gridVariant: route.variant };
    let theta: Float32Array = new Float32Array(model.layout.size);
    if (state.data.kind !== 'uvx') {
      const { steps, learningRate } = state.train;
      theta = (await backend.trainCenter({ spec, samples: data, theta0: model.initialTheta(state.seed), steps, learningRate }, { signal }))
        .theta;
    }
    return (await gridBackend.lossGrid(model, squarePoints(planeOf(state, model, theta), gridSize, state.plane.span), { signal, ...ctl }))
      .loss;
  }

  /** The kept network in use as θ₀, or null when θ₀ is trained from the state. */
  get centerOverride(): CenterOverride | null {
    return this.center;
  }

  /** Use a kept network as θ₀ (null: train θ₀ from the state again); takes effect on the next compute. */
  setCenter(center: CenterOverride | null): void {
    this.center = center;
  }

  /** K seeds (or start vectors) of one network at once, on the GPU or the CPU twin (its own backend). */
  async trainSeeds(opts: MultiSeedOptions, signal: AbortSignal): Promise<Ran<MultiSeedResult>> {
    const { onProgress, signal: _signal, ...job } = opts;
    const t0 = performance.now();
    const ran = await this.run(this.trainCpu, { failed: 'training', instead: 'these networks were trained' }, signal, (b) =>
      b.trainSeeds(job as MultiSeedJob, { signal, ...(onProgress ? { onStep: onProgress } : {}) }),
    );
    this.rates.record(
      ran.backend.kind,
      'train',
      trainUnits(
        job.steps,
        opts.seeds?.length ?? opts.thetas?.length ?? 1,
        Math.min(job.samples.m, job.batchSize ?? Infinity),
        paramLayout(job.spec).size,
      ),
      performance.now() - t0,
    );
    return ran;
  }

  /** A loss grid of any plane batch (a curve's plane, a trajectory's plane). */
  async grid(
    model: LandscapeModel,
    points: PlanePoints,
    signal: AbortSignal,
    onProgress: (fraction: number) => void,
  ): Promise<Ran<GridResult>> {
    const warnings: string[] = [];
    const { value, backend } = await this.routed(
      this.route(model, warnings),
      { failed: 'kernel', instead: 'this grid was computed' },
      signal,
      warnings,
      (b, ctl) => b.lossGrid(model, points, { signal, onProgress, ...ctl }),
    );
    return { value, backend, warnings };
  }

  /** Loss at explicit parameter vectors (count × size). */
  lossAt(model: LandscapeModel, thetas: Float32Array, count: number, signal: AbortSignal): Promise<Ran<VectorLossResult>> {
    return this.run(this.cpu, { failed: 'kernel', instead: 'these losses were computed' }, signal, (b) =>
      b.lossAt(model, thetas, count, { signal }),
    );
  }

  /** A curve between two minima, then the loss along each of `paths(curve)` on the same backend. */
  curveAndPaths(
    model: LandscapeModel,
    job: CurveJob,
    paths: (curve: Path) => readonly Path[],
    points: number,
    signal: AbortSignal,
    onStep: (step: number, loss: number) => void,
  ): Promise<Ran<{ curve: CurveResult; evals: PathEvaluation[]; curveMs: number; evalMs: number }>> {
    return this.run(this.trainCpu, { failed: 'curve training', instead: 'the curve was trained' }, signal, async (b) => {
      const t0 = performance.now();
      const curve = await b.trainCurve(job, { signal, onStep });
      const curveMs = performance.now() - t0;
      const evals = await b.evaluatePaths(model, paths(curve.path), points, { signal });
      return { curve, evals, curveMs, evalMs: performance.now() - t0 - curveMs };
    });
  }

  /**
   * Curves between many pairs of minima of one network (the barrier matrix), then the loss along each
   * curve's `paths(curve, index)`, all paths in one evaluation. The GPU trains the curves side by side in
   * the same dispatches (each the curve curveAndPaths trains alone); a backend that cannot (the CPU twins,
   * after a GPU failure) trains them one after another. `onStep(step, first, count)`: curves first … first
   * + count − 1 are at `step`.
   */
  curvesAndPaths(
    model: LandscapeModel,
    job: CurveBatchJob,
    paths: (curve: Path, index: number) => readonly Path[],
    points: number,
    signal: AbortSignal,
    onStep: (step: number, first: number, count: number) => void,
  ): Promise<Ran<{ curves: CurveResult[]; evals: PathEvaluation[][]; batched: boolean; curveMs: number; evalMs: number }>> {
    return this.run(this.trainCpu, { failed: 'curve training', instead: 'the curves were trained' }, signal, async (b) => {
      const t0 = performance.now();
      let curves: CurveResult[];
      const batched = b.trainCurves !== undefined;
      if (b.trainCurves !== undefined) {
        curves = await b.trainCurves(job, { signal, onStep: (step, losses, first) => onStep(step, first, losses.length) });
      } else {
        curves = [];
        for (let c = 0; c < job.curves.length; c++) {
          const one = curveOptionsOf(job, c);
          curves.push(await b.trainCurve({ ...one, method: 'curve' }, { signal, onStep: (step) => onStep(step, c, 1) }));
        }
      }
      const curveMs = performance.now() - t0;
      const perCurve = curves.map((curve, c) => paths(curve.path, c));
      const flat = await b.evaluatePaths(model, perCurve.flat(), points, { signal });
      let at = 0;
      const evals = perCurve.map((list) => flat.slice(at, (at += list.length)));
      return { curves, evals, batched, curveMs, evalMs: performance.now() - t0 - curveMs };
    });
  }

  /**
   * The Hessian at θ: top and bottom eigenpairs by Lanczos, SLQ, Hutchinson's trace and the trace seen by
   * random planes (src/landscape/hessian.ts), over Hessian-vector products on the GPU, else the CPU twin.
   * Results are kept per θ array and options, so a curvature plane and the spectrum card share them.
   */
  async hessian(
    model: LandscapeModel,
    theta: Float32Array,
    opts: HessianOptions,
    signal: AbortSignal,
    onProgress?: (fraction: number) => void,
  ): Promise<Ran<HessianResult>> {
    const key = JSON.stringify([model.label, opts]);
    const kept = this.hessians.get(theta)?.get(key);
    if (kept !== undefined) return { ...kept, warnings: [] };
    const ran = await this.run(this.cpu, { failed: 'Hessian job', instead: 'the Hessian was computed' }, signal, (b) =>
      computeHessian(backendOracle(b, model, theta, signal), theta, opts, signal, onProgress),
    );
    const perTheta = this.hessians.get(theta) ?? new Map<string, Ran<HessianResult>>();
    perTheta.set(key, ran);
    this.hessians.set(theta, perTheta);
    return ran;
  }

  /** The eigenpairs behind a curvature plane made by `compute` (null for a random plane). */
  curvatureOf(plane: Plane): CurvatureAxes | null {
    return this.curvatures.get(plane) ?? null;
  }

  /** The plane stage for Hessian directions: the eigenpairs at θ₀ (progress shown as the data stage's text). */
  private async curvaturePlaneOf(
    state: AppState,
    model: LandscapeModel,
    theta: Float32Array,
    signal: AbortSignal,
    report: StatusReporter,
  ): Promise<Plane> {
    const directions = state.plane.directions === 'hessian-top' ? 'hessian-top' : 'hessian';
    const onProgress = (f: number): void => report('data', f, `Hessian at θ₀: Lanczos ${Math.round(f * 100)}%`);
    const { value, warnings } = await this.hessian(model, theta, { ...EIGEN_ONLY, seed: state.seed }, signal, onProgress);
    if (warnings.length > 0) report('data', 1, warnings.join(' '));
    const { plane: atTheta, axes } = curvaturePlane(value, directions, theta);
    // The read-out names the eigenpairs of the plane drawn, whether its centre was moved or not.
    const plane = shiftCenter(atTheta, state);
    this.curvatures.set(plane, axes);
    return plane;
  }

  /** Forget a stage and everything after it, so the next compute redoes it. */
  invalidate(stage: 'train' | 'surface'): void {
    if (stage === 'train') {
      this.trainCache = null;
      this.trainedAside = null;
    }
    this.surfaceCache = null;
  }

  dispose(): void {
    this.gpuBackend?.dispose();
    this.cpu.dispose();
    this.trainCpu.dispose();
    this.previewCpu?.dispose();
  }

  private cpuRoute(why: string): GridRoute {
    return { engine: CPU_ENGINE, label: this.cpuEngineLabel, why, kind: 'cpu', backend: this.cpu, variant: undefined };
  }

  private backends(cpu: Backend): { gpu: Backend | null; cpu: Backend } {
    return { gpu: this.gpu, cpu };
  }

  private async run<T>(cpu: Backend, wording: FallbackWording, signal: AbortSignal, job: (b: Backend) => Promise<T>): Promise<Ran<T>> {
    const warnings: string[] = [];
    const { value, backend } = await withFallback(this.backends(cpu), wording, signal, warnings, job, this.gpuFailed);
    return { value, backend, warnings };
  }
}

/**
 * The page's plane for a state: seeded directions through θ₀ (u·v·x: the whole weight space), centred at
 * θ₀ + centerAlpha·d₁ + centerBeta·d₂ when the centre was moved (the directions stay those of θ₀).
 */
export function planeOf(state: AppState, model: LandscapeModel, theta: Float32Array): Plane {
  const { filterNormalize, keepBiasDirections: keepBias } = state.plane;
  return shiftCenter(
    planeThrough(model.layout, theta, state.seed, { filterNormalize, keepBias, wholeSpace: state.data.kind === 'uvx' }),
    state,
  );
}

/** A plane through θ₀ moved to θ₀ + centerAlpha·d₁ + centerBeta·d₂ (the state's centre; directions kept). */
export function shiftCenter(plane: Plane, state: AppState): Plane {
  const { centerAlpha: a, centerBeta: b } = state.plane;
  if (a === 0 && b === 0) return plane;
  const { center, directionX: dx, directionY: dy } = plane;
  return { ...plane, center: Float32Array.from(center, (v, i) => v + a * (dx[i] ?? 0) + b * (dy[i] ?? 0)) };
}
