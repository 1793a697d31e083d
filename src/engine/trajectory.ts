/**
 * The training trajectory of θ₀'s network: train one seed with snapshots, take the plane of the path's
 * two principal directions through the end point (src/landscape/trajectory.ts), compute the loss on
 * that plane, and hand back the path in plane coordinates with the loss along it and along the straight
 * line from start to end. Options are clamped like every console call.
 */
import { AbortError } from '../gpu/lossGrid.types';
import type { Surface } from '../landscape/surface';
import { bilinearAt, offPlaneDistance } from '../landscape/honestPath';
import { trajectoryPlane } from '../landscape/trajectory';
import type { AppState } from '../state/appState';
import { clampNumber, field, shown } from '../train/trainingLimits';
import type { LandscapeModel } from './model';
import type { PathChartData, PathPicture } from './pathPicture';
import { squarePoints, type Engine } from './pipeline';
import { computedSurface } from './surface';

export interface TrajectoryRequest {
  /** A kept network whose stored snapshots are the path (null: train `seed` now). */
  readonly id: number | null;
  readonly seed: number;
  readonly steps: number;
  readonly learningRate: number;
  /** Snapshots along the run (the start and the end included). */
  readonly snapshots: number;
  /** Points per side of the plane's grid; 0: the page's grid size. */
  readonly gridSize: number;
  /** Room around the path, as a fraction of its extent. */
  readonly margin: number;
}

export interface TrajectoryApiResult {
  /** Training step of every snapshot. */
  steps: number[];
  /** Plane coordinates of every snapshot (the end at 0, 0). */
  coords: { x: number; y: number }[];
  /** Full-batch loss of every snapshot, and along the straight line start → end at the same fractions. */
  loss: number[];
  lineLoss: number[];
  /** Fraction of the path's variance along the plane's two directions. */
  explained: [number, number];
  /** Every snapshot's distance from the plane (the part of θ_t − θ_T the two directions do not hold); ≥ 0. */
  offPlane: number[];
  /** Every snapshot's own full-batch loss (the same numbers as `loss`), to set beside `planeLoss`. */
  trueLoss: number[];
  /** The loss read off the plane's grid at the snapshot's plane coordinates (bilinear): what the picture shows. */
  planeLoss: number[];
  gridSize: number;
  span: number;
  device: 'webgpu' | 'cpu';
  ms: { train: number; grid: number };
  notices: string[];
}

export interface TrajectoryOutcome {
  readonly surface: Surface;
  readonly plane: { center: Float32Array; directionX: Float32Array; directionY: Float32Array };
  readonly overlay: PathPicture;
  readonly chart: PathChartData;
  readonly api: TrajectoryApiResult;
}

export function clampTrajectoryRequest(raw: unknown, state: AppState): { request: TrajectoryRequest; notices: string[] } {
  const n: string[] = [];
  if (raw !== undefined && (typeof raw !== 'object' || raw === null))
    n.push('trajectory options must be an object like { steps: 600, snapshots: 40 }');
  const rawId = field(raw, 'id');
  let id: number | null = null;
  if (rawId !== undefined && rawId !== null) {
    if (typeof rawId === 'number' && Number.isInteger(rawId) && rawId > 0) id = rawId;
    else n.push(`id: ${shown(rawId)} is not a kept network's id; trained seed ${shown(field(raw, 'seed') ?? 1)} instead`);
  }
  const request: TrajectoryRequest = {
    id,
    seed: clampNumber('seed', field(raw, 'seed'), 1, [0, 2 ** 31 - 2], true, n),
    steps: clampNumber('steps', field(raw, 'steps'), state.train.steps, [2, 100_000], true, n),
    learningRate: clampNumber(
      'learning rate',
      field(raw, 'lr') ?? field(raw, 'learningRate'),
      state.train.learningRate,
      [1e-6, 10],
      false,
      n,
    ),
    snapshots: clampNumber('snapshots', field(raw, 'snapshots'), 40, [3, 200], true, n),
    gridSize: clampNumber('gridSize', field(raw, 'gridSize'), 0, [0, 257], true, n),
    margin: clampNumber('margin', field(raw, 'margin'), 0.2, [0, 2], false, n),
  };
  return { request, notices: n };
}

/** The options of a request as a link's flow records them (the names clampTrajectoryRequest reads). */
export function trajectoryFlowOptions(r: TrajectoryRequest): Record<string, number> {
  return { seed: r.seed, steps: r.steps, lr: r.learningRate, snapshots: r.snapshots, gridSize: r.gridSize, margin: r.margin };
}

/** Mean loss at each of `thetas`, on the engine's backends (never on the page's main thread). */
async function losses(
  engine: Engine,
  model: LandscapeModel,
  thetas: readonly Float32Array[],
  signal: AbortSignal,
  notices: string[],
): Promise<Float32Array> {
  const P = model.layout.size;
  const packed = new Float32Array(thetas.length * P);
  thetas.forEach((theta, k) => packed.set(theta, k * P));
  const ran = await engine.lossAt(model, packed, thetas.length, signal);
  notices.push(...ran.warnings);
  return ran.value.losses;
}

/** A kept network's stored run, as the minima list has it. */
export interface StoredRun {
  readonly name: string;
  readonly dataKey: string;
  readonly diverged: boolean;
  readonly snapshots: readonly { readonly step: number; readonly theta: Float32Array }[];
}

export async function computeTrajectory(
  engine: Engine,
  state: AppState,
  raw: unknown,
  signal: AbortSignal,
  progress: (label: string, fraction: number) => void,
  kept: (id: number) => StoredRun | undefined = () => undefined,
): Promise<TrajectoryOutcome> {
  const { request, notices } = clampTrajectoryRequest(raw, state);
  await engine.dataReady(state);
  if (signal.aborted) throw new AbortError();
  const { data, spec, model } = engine.dataFor(state);
  const samples = { m: data.m, inputs: data.inputs, x: data.x, y: data.y };
  const t0 = performance.now();
  let snaps: { step: number; theta: Float32Array }[];
  let trainDevice: 'webgpu' | 'cpu' = 'webgpu';
  let label: string;
  if (request.id !== null) {
    const m = kept(request.id);
    if (m === undefined) throw new Error(`no kept network with id ${request.id} (see minima())`);
    if (m.dataKey !== engine.dataFor(state).key)
      throw new Error(`"${m.name}" belongs to other data or another network than the page shows`);
    if (m.diverged) throw new Error(`"${m.name}" diverged, so its run has no trajectory plane`);
    if (m.snapshots.length < 3)
      throw new Error(
        `"${m.name}" has ${m.snapshots.length} snapshots; train with snapshotEvery (e.g. train({ snapshotEvery: 20 })) to keep its path`,
      );
    snaps = m.snapshots.map((s) => ({ step: s.step, theta: s.theta }));
    label = m.name;
  } else {
    const every = Math.max(1, Math.ceil(request.steps / (request.snapshots - 1)));
    const run = await engine.trainSeeds(
      {
        spec,
        samples,
        seeds: [request.seed],
        steps: request.steps,
        optimizer: 'adam',
        learningRate: request.learningRate,
        snapshotEvery: every,
        progressEvery: Math.max(1, Math.floor(request.steps / 40)),
        onProgress: (step) => progress(`training seed ${request.seed}: step ${step}/${request.steps}`, step / request.steps),
      },
      signal,
    );
    notices.push(...run.warnings);
    trainDevice = run.backend.kind;
    if ((run.value.diverged[0] ?? 0) !== 0)
      throw new Error('training diverged, so the run has no trajectory plane; try a smaller learning rate');
    const P = run.value.paramCount;
    snaps = (run.value.snapshots ?? []).map((s) => ({ step: s.step, theta: s.thetas.slice(0, P) }));
    label = `seed ${request.seed}`;
  }
  const trainMs = performance.now() - t0;
  const totalSteps = snaps[snaps.length - 1]?.step ?? request.steps;
  const thetas = snaps.map((s) => s.theta);
  const plane = trajectoryPlane(thetas);

  const extent = Math.max(1e-12, ...plane.coords.map((p) => Math.max(Math.abs(p.x), Math.abs(p.y))));
  const span = extent * (1 + request.margin);
  const gridSize = request.gridSize >= 2 ? request.gridSize : state.plane.gridSize;
  const g0 = performance.now();
  const grid = await engine.grid(model, squarePoints(plane, gridSize, span), signal, (f) =>
    progress(`trajectory plane grid ${gridSize}²`, f),
  );
  const gridMs = performance.now() - g0;
  notices.push(...grid.warnings);

  const pathLoss = await losses(engine, model, thetas, signal, notices);
  const start = thetas[0] ?? plane.center;
  const fractions = Float32Array.from(snaps, (s) => s.step / Math.max(1, totalSteps));
  const line = Array.from(fractions, (t) => Float32Array.from(start, (v, i) => v + t * ((plane.center[i] ?? 0) - v)));
  const lineLoss = await losses(engine, model, line, signal, notices);
  const barrier = (values: Float32Array): number => Math.max(...values) - Math.max(values[0] ?? 0, values[values.length - 1] ?? 0);
  const endLoss = pathLoss[pathLoss.length - 1] ?? Number.NaN;

  const surface: Surface = computedSurface({
    gridSize,
    span,
    result: grid.value,
    centerLoss: endLoss,
    backend: grid.backend,
    gridMs,
    trainMs,
  });
  const first = plane.coords[0] ?? { x: 0, y: 0 };
  const explained: [number, number] = [plane.explained[0], plane.explained[1]];
  const offPlane = thetas.map((theta) => offPlaneDistance(theta, plane.center, plane.directionX, plane.directionY));
  const planeLoss = plane.coords.map((p) => bilinearAt(grid.value.loss, gridSize, span, p.x, p.y));
  return {
    surface,
    plane: { center: plane.center, directionX: plane.directionX, directionY: plane.directionY },
    overlay: {
      line: [first, { x: 0, y: 0 }],
      curve: plane.coords,
      points: [
        { at: first, label: 'start' },
        { at: { x: 0, y: 0 }, label: 'end' },
      ],
    },
    chart: {
      t: fractions,
      lineLoss,
      curveLoss: pathLoss,
      lineBarrier: barrier(lineLoss),
      curveBarrier: barrier(pathLoss),
      curveLabel: 'path barrier',
      caption: `${label} · ${totalSteps} steps · plane: ${(100 * (explained[0] + explained[1])).toFixed(1)} % of variance`,
      honest: { planeLoss, offPlane, what: 'path' },
    },
    api: {
      steps: snaps.map((s) => s.step),
      coords: plane.coords.map((p) => ({ x: p.x, y: p.y })),
      loss: Array.from(pathLoss),
      lineLoss: Array.from(lineLoss),
      explained,
      offPlane,
      trueLoss: Array.from(pathLoss),
      planeLoss,
      gridSize,
      span,
      device: trainDevice === 'webgpu' && grid.backend.kind === 'webgpu' ? 'webgpu' : 'cpu',
      ms: { train: trainMs, grid: gridMs },
      notices,
    },
  };
}
