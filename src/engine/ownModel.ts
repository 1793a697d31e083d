/**
 * A model of one's own as a flow: one to three ONNX checkpoints of the same architecture and their
 * data. One file: the plane through its weights along two directions (filter-normalised Gaussian ones
 * drawn as the page draws them, or a loss-landscape direction file's). Two files: the straight line
 * between them (the loss at 61 points, the barrier) and the plane through it. Three files (A, the bend,
 * B, e.g. a mode-connecting curve's end points and bend): the plane through all three, the line and the
 * polygonal chain A → bend → B. Returns plain data; the page, the console and the command line draw it.
 */
import type { DirectionFile } from '../io/onnxH5';
import { curvePlane, pathInPlane, type CurvePlane, type PlanePoint } from '../landscape/curvePlane';
import { planeThrough, type Plane } from '../landscape/directions';
import { bilinearAt } from '../landscape/honestPath';
import { DEFAULT_PATH_POINTS, summarizePath } from '../landscape/pathEval';
import { evenTs, pointsOnPath, straightLine, type Path } from '../landscape/paths';
import type { Surface } from '../landscape/surface';
import { elementCount, type ParamSegment } from '../model/layout';
import { OnnxError, readOnnxGraph, sameArchitecture } from '../model/onnx/graph';
import type { LossKind } from '../model/spec';
import { squareCurvePlane } from './connect';
import { openOnnxModel, type OnnxData, type OnnxModel } from './onnxModel';
import type { PathChartData, PathPicture } from './pathPicture';
import type { Engine } from './pipeline';
import { computedSurface } from './surface';

/** A file as it was opened: its name, bytes and their SHA-256 (hex). */
export interface ModelFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** loss-landscape's direction file: one tensor per parameter, in PyTorch `parameters()` order. */
export type DirectionTensors = DirectionFile;

export interface OwnModel {
  readonly model: OnnxModel;
  readonly files: readonly (ModelFile & { readonly sha256: string })[];
  /** Each checkpoint's weights (the first is θ₀ of the model). */
  readonly checkpoints: readonly Float32Array[];
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes.slice().buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Open 1–3 checkpoints with their data; throws a named error when they do not fit together. */
export async function openOwnModel(files: readonly ModelFile[], data: OnnxData, loss?: LossKind): Promise<OwnModel> {
  if (files.length < 1 || files.length > 3)
    throw new OnnxError(`give 1 to 3 model files (checkpoints of one architecture), not ${files.length}`);
  const [first, ...rest] = files as [ModelFile, ...ModelFile[]];
  const model = await openOnnxModel({ name: first.name, onnx: first.bytes, data, ...(loss ? { loss } : {}) });
  const checkpoints = [model.graph.theta];
  for (const file of rest) {
    let graph;
    try {
      graph = readOnnxGraph(file.bytes);
    } catch (err) {
      await model.dispose();
      throw new OnnxError(`${file.name}: ${err instanceof Error ? err.message.replace(/^onnx: /, '') : String(err)}`, { cause: err });
    }
    const mismatch = sameArchitecture(model.layout, graph.layout);
    if (mismatch !== null) {
      await model.dispose();
      throw new OnnxError(`${file.name} is not a checkpoint of the same architecture as ${first.name}: ${mismatch}`);
    }
    checkpoints.push(graph.theta);
  }
  const hashed = await Promise.all(files.map(async (f) => ({ ...f, sha256: await sha256Hex(f.bytes) })));
  return { model, files: hashed, checkpoints };
}

/**
 * A direction file's tensors matched to the model's parameters by order and shape: the running
 * statistics of BatchNorm (and the integer step counters) are not parameters in PyTorch and are skipped;
 * they stay at zero in both directions.
 */
export function directionsFromFile(model: OnnxModel, file: DirectionTensors): { directionX: Float32Array; directionY: Float32Array } {
  const params = model.layout.segments.filter((s) => s.kind !== 'running-stat');
  const pick = (tensors: DirectionTensors['x'], which: string): Float32Array => {
    if (tensors.length !== params.length)
      throw new OnnxError(
        `the direction file's ${which} has ${tensors.length} tensors; the model has ${params.length} parameters (BatchNorm running statistics not counted)`,
      );
    const d = new Float32Array(model.layout.size);
    params.forEach((seg: ParamSegment, i) => {
      const t = tensors[i];
      const count = elementCount(seg.shape);
      if (t === undefined || t.values.length !== count || (t.shape.length > 0 && elementCount(t.shape) !== count))
        throw new OnnxError(
          `the direction file's ${which}/${i} has shape [${t?.shape.join(', ') ?? ''}]; parameter ${i} of the model, "${seg.name}", has shape [${seg.shape.join(', ')}]`,
        );
      if (seg.outputAxis === 1 && pytorchTransposed(seg.shape, t.shape)) {
        // PyTorch holds this weight as [outputs, inputs] (an nn.Linear's parameter); the graph reads it transposed.
        const [inputs = 0, outputs = 0] = seg.shape;
        for (let o = 0; o < outputs; o++)
          for (let i = 0; i < inputs; i++) d[seg.offset + i * outputs + o] = t.values[o * inputs + i] ?? Number.NaN;
      } else d.set(t.values, seg.offset);
    });
    return d;
  };
  return { directionX: pick(file.x, 'xdirection'), directionY: pick(file.y, 'ydirection') };
}

/**
 * Whether a direction file's tensor of shape `file` is the PyTorch parameter behind an [inputs, outputs]
 * graph weight of shape `graph`: its transpose [outputs, inputs]. A square weight is taken as transposed
 * (an nn.Linear, which is how such a weight arises from PyTorch's export).
 */
function pytorchTransposed(graph: readonly number[], file: readonly number[]): boolean {
  return graph.length === 2 && file.length === 2 && file[0] === graph[1] && file[1] === graph[0];
}

export interface PlaneOptions {
  readonly seed: number;
  readonly filterNormalize: boolean;
  readonly keepBias: boolean;
  readonly gridSize: number;
  readonly span: number;
}

/** One checkpoint: the plane through θ₀ and its surface. */
export interface OwnPlaneView {
  readonly kind: 'plane';
  readonly surface: Surface;
  readonly plane: Plane;
  readonly directionsFrom: 'random' | 'file';
}

/** Two or three checkpoints: the plane through them, the paths in it and the 1-D chart. */
export interface OwnPathView {
  readonly kind: 'path';
  readonly surface: Surface;
  readonly plane: CurvePlane;
  readonly picture: PathPicture;
  readonly chart: PathChartData;
  readonly t: number[];
  readonly lineLoss: number[];
  readonly lineBarrier: number;
  /** Three checkpoints: the chain A → bend → B. */
  readonly chainLoss?: number[];
  readonly chainBarrier?: number;
}

export type OwnView = OwnPlaneView | OwnPathView;

/** The view of an opened model: its surface (and paths), computed on the engine's backends. */
export async function ownModelView(
  engine: Engine,
  own: OwnModel,
  opts: PlaneOptions,
  directions: DirectionTensors | null,
  signal: AbortSignal,
  progress: (label: string, fraction: number) => void,
  warnings: string[],
): Promise<OwnView> {
  const { model } = own;
  const name = own.files.map((f) => f.name).join(' + ');
  const imported = { name, format: 'onnx' };
  if (own.checkpoints.length === 1) {
    const center = own.checkpoints[0] as Float32Array;
    const plane: Plane =
      directions === null
        ? planeThrough(model.layout, center, opts.seed, {
            filterNormalize: opts.filterNormalize,
            keepBias: opts.keepBias,
            wholeSpace: false,
          })
        : { center, ...directionsFromFile(model, directions) };
    const label = `loss grid ${opts.gridSize}² of ${own.files[0]?.name ?? ''}`;
    const surface = await engine.planeSurface(
      model,
      plane,
      opts.gridSize,
      opts.span,
      signal,
      (f) => progress(label, f),
      warnings,
      0,
      imported,
    );
    return { kind: 'plane', surface, plane, directionsFrom: directions === null ? 'random' : 'file' };
  }
  const [a, second, third] = own.checkpoints as [Float32Array, Float32Array, Float32Array?];
  const b = third ?? second;
  const bend = third === undefined ? null : second;
  const line = straightLine(a, b);
  const chain: Path | null = bend === null ? null : { kind: 'chain', a, b, bends: [bend] };
  const paths = chain === null ? [line] : [line, chain];
  progress(`loss along ${chain === null ? 'the line' : 'the line and the chain'}`, 0);
  const ts = evenTs(DEFAULT_PATH_POINTS);
  const size = model.layout.size;
  const stacked = new Float32Array(paths.length * ts.length * size);
  paths.forEach((path, i) => stacked.set(pointsOnPath(path, ts), i * ts.length * size));
  const losses = await engine.lossAt(model, stacked, paths.length * ts.length, signal);
  warnings.push(...losses.warnings);
  const [lineEval, chainEval] = paths.map((_, i) => {
    const part = (v: Float32Array): Float32Array => v.slice(i * ts.length, (i + 1) * ts.length);
    const acc = losses.value.accuracy;
    return summarizePath(ts, part(losses.value.losses), acc ? part(acc) : undefined);
  });
  if (lineEval === undefined) throw new Error('path evaluation returned nothing');

  const base = curvePlane(chain ?? line, { gridSize: opts.gridSize, seed: opts.seed });
  const { plane, frame } = squareCurvePlane(base, opts.gridSize);
  const step = plane.alphaStep;
  const g0 = performance.now();
  const grid = await engine.grid(
    model,
    {
      center: plane.center,
      directionX: plane.directionX,
      directionY: plane.directionY,
      gridSize: frame.gridSize,
      alphaStart: -frame.span,
      alphaStep: step,
      betaStart: -frame.span,
      betaStep: step,
    },
    signal,
    (f) => progress(`plane grid ${frame.gridSize}²`, f),
  );
  warnings.push(...grid.warnings);
  const surface = computedSurface({
    gridSize: frame.gridSize,
    span: frame.span,
    result: grid.value,
    centerLoss: lineEval.loss[0] ?? Number.NaN,
    backend: grid.backend,
    gridMs: performance.now() - g0,
    trainMs: 0,
    imported,
  });
  const inPlane = (path: Path): PlanePoint[] => {
    const flat = pointsOnPath(path, ts);
    const P = a.length;
    return pathInPlane(
      plane,
      Array.from(ts, (_, i) => flat.subarray(i * P, (i + 1) * P)),
    );
  };
  const linePoints = inPlane(line);
  const chainPoints = chain === null ? linePoints : inPlane(chain);
  const names = own.files.map((f) => f.name);
  const curveEval = chainEval ?? lineEval;
  const planeLoss = chainPoints.map((p) => bilinearAt(grid.value.loss, frame.gridSize, frame.span, p.x, p.y));
  return {
    kind: 'path',
    surface,
    plane,
    picture: {
      line: linePoints,
      curve: chainPoints,
      points: [
        { at: plane.a, label: `A ${names[0] ?? ''}` },
        { at: plane.b, label: `B ${names[names.length - 1] ?? ''}` },
        ...(bend === null ? [] : plane.bends.map((p) => ({ at: p, label: `bend ${names[1] ?? ''}` }))),
      ],
    },
    chart: {
      t: lineEval.t,
      lineLoss: lineEval.loss,
      curveLoss: curveEval.loss,
      lineBarrier: lineEval.barrier,
      curveBarrier: curveEval.barrier,
      curveLabel: chain === null ? 'line barrier' : 'chain barrier',
      caption: `${model.label} · ${DEFAULT_PATH_POINTS} points`,
      honest: { planeLoss, offPlane: chainPoints.map((p) => p.offPlane), what: chain === null ? 'line' : 'chain' },
    },
    t: Array.from(lineEval.t),
    lineLoss: Array.from(lineEval.loss),
    lineBarrier: lineEval.barrier,
    ...(chainEval ? { chainLoss: Array.from(chainEval.loss), chainBarrier: chainEval.barrier } : {}),
  };
}
