/**
 * Options of `landscape.connect()`, clamped like every other console call: out-of-range or
 * unknown values fall back to a default and are listed in `notices`.
 */
import { MAX_CHAIN_BENDS } from '../landscape/paths';
import { DEFAULT_PATH_POINTS } from '../landscape/pathEval';
import { clampNumber, field, pickEnum, shown } from '../train/trainingLimits';

export type ConnectKind = 'bezier' | 'chain' | 'neb';

/** An endpoint: a kept network's id (minima()), a parameter vector, or null (marked endpoints / train two). */
export type EndpointRef = number | Float32Array | null;

export interface ConnectRequest {
  readonly a: EndpointRef;
  readonly b: EndpointRef;
  readonly kind: ConnectKind;
  /** Chain bends 1..3 (a Bezier curve has one). */
  readonly bends: number;
  /** Curve-training (or NEB) steps. */
  readonly steps: number;
  readonly learningRate: number;
  readonly optimizer: 'adam' | 'sgd';
  readonly tPerStep: number;
  /** NEB images. */
  readonly images: number;
  readonly weightDecay: number;
  /** Points along each path for the chart and the barriers (Garipov: 61). */
  readonly points: number;
  /** Points per side of the plane's grid; 0 = the page's grid size. */
  readonly gridSize: number;
  /** Margin around A, B and the bends, units of ‖B − A‖. */
  readonly margin: number;
  /** When A and B must be trained: A's init seed (B's is the next one), steps and learning rate. */
  readonly firstSeed: number;
  readonly minimaSteps: number;
  readonly minimaLearningRate: number;
}

export const DEFAULT_CONNECT: ConnectRequest = {
  a: null,
  b: null,
  kind: 'bezier',
  bends: 1,
  steps: 300,
  learningRate: 0.05,
  optimizer: 'adam',
  tPerStep: 16,
  images: 8,
  weightDecay: 0,
  points: DEFAULT_PATH_POINTS,
  gridSize: 0,
  margin: 0.2,
  firstSeed: 1,
  minimaSteps: 1000,
  minimaLearningRate: 0.03,
};

export { field };

function endpoint(name: string, raw: unknown, notices: string[]): EndpointRef {
  if (raw === undefined || raw === null) return null;
  if (raw instanceof Float32Array) return raw;
  if (raw instanceof Float64Array || (Array.isArray(raw) && raw.every((v) => typeof v === 'number')))
    return Float32Array.from(raw as ArrayLike<number>);
  if (typeof raw === 'number' && Number.isInteger(raw) && raw > 0) return raw;
  notices.push(`${name}: ${shown(raw)} is neither a kept network's id nor a parameter vector; used the marked endpoints instead`);
  return null;
}

export function clampConnectRequest(raw: unknown): { request: ConnectRequest; notices: string[] } {
  const n: string[] = [];
  const d = DEFAULT_CONNECT;
  if (raw !== undefined && (typeof raw !== 'object' || raw === null))
    n.push('connect options must be an object like { kind: "bezier", steps: 300 }');
  const kind = pickEnum<ConnectKind>('kind', field(raw, 'kind'), ['bezier', 'chain', 'neb'], d.kind, n);
  const request: ConnectRequest = {
    a: endpoint('a', field(raw, 'a'), n),
    b: endpoint('b', field(raw, 'b'), n),
    kind,
    bends: kind === 'chain' ? clampNumber('bends', field(raw, 'bends'), d.bends, [1, MAX_CHAIN_BENDS], true, n) : 1,
    steps: clampNumber('steps', field(raw, 'steps'), d.steps, [1, 100_000], true, n),
    learningRate: clampNumber('learning rate', field(raw, 'lr') ?? field(raw, 'learningRate'), d.learningRate, [1e-6, 10], false, n),
    optimizer: pickEnum('optimizer', field(raw, 'optimizer'), ['adam', 'sgd'], d.optimizer, n),
    tPerStep: clampNumber('tPerStep', field(raw, 'tPerStep'), d.tPerStep, [1, 256], true, n),
    images: clampNumber('images', field(raw, 'images'), d.images, [2, 64], true, n),
    weightDecay: clampNumber('weightDecay', field(raw, 'weightDecay'), d.weightDecay, [0, 1], false, n),
    points: clampNumber('points', field(raw, 'points'), d.points, [3, 1001], true, n),
    gridSize: clampNumber('gridSize', field(raw, 'gridSize'), d.gridSize, [0, 257], true, n),
    margin: clampNumber('margin', field(raw, 'margin'), d.margin, [0, 2], false, n),
    firstSeed: clampNumber('firstSeed', field(raw, 'firstSeed'), d.firstSeed, [0, 2 ** 31 - 2 - 256], true, n),
    minimaSteps: clampNumber('minimaSteps', field(raw, 'minimaSteps'), d.minimaSteps, [1, 100_000], true, n),
    minimaLearningRate: clampNumber('minimaLr', field(raw, 'minimaLr'), d.minimaLearningRate, [1e-6, 10], false, n),
  };
  if (request.gridSize === 1) return { request: { ...request, gridSize: 2 }, notices: [...n, 'gridSize: 1 → 2'] };
  return { request, notices: n };
}

/**
 * A symmetric grid around A (so A sits at the box's centre, like θ₀ on the random plane) that
 * covers [lo, hi] in both coordinates and, when it can, has grid points exactly on A = (0, 0)
 * and B = (1, 0): the step is 1/q for an integer q. `gridSize` is made odd.
 */
export function curveGridFrame(extent: number, gridSize: number): { gridSize: number; span: number } {
  const n = gridSize % 2 === 1 ? gridSize : gridSize + 1;
  const half = (n - 1) / 2;
  // B = (1, 0) is always inside the box.
  const cover = Math.max(extent, 1);
  const q = Math.floor(half / cover);
  return { gridSize: n, span: q >= 1 ? half / q : cover };
}

/** The options of a request as a link's flow records them (the names clampConnectRequest reads). */
export function connectFlowOptions(r: ConnectRequest): Record<string, number | string> {
  return {
    kind: r.kind,
    bends: r.bends,
    steps: r.steps,
    lr: r.learningRate,
    optimizer: r.optimizer,
    tPerStep: r.tPerStep,
    images: r.images,
    weightDecay: r.weightDecay,
    points: r.points,
    gridSize: r.gridSize,
    margin: r.margin,
    firstSeed: r.firstSeed,
    minimaSteps: r.minimaSteps,
    minimaLr: r.minimaLearningRate,
  };
}
