/**
 * A researcher's own network (an ONNX graph and its `.npz` data) as a LandscapeModel: the second
 * implementation of the model seam. Its float initializers are the parameter vector; onnxruntime-web
 * evaluates the rewritten graph with θ fed tensor by tensor, in chunks of samples, and the loss of the
 * outputs is reduced here in float64. No gradients: θ₀ is the file's weights, planes and paths only.
 *
 * Where it runs: the CPU side (lossGridCpu, lossAtCpu, pathsCpu) is the runtime's wasm provider: in the
 * page the model goes to the engine worker as its recipe (the file's bytes and the data), which rebuilds
 * it there, so the runtime never blocks the page; in Node (the command line, tests) it runs in-process.
 * The GPU side (lossGridGpu, lossAtGpu, pathsGpu) is the runtime's WebGPU execution provider on the
 * backend's device with the weights formed and the loss reduced by our own kernels (onnxGpu.ts).
 */
import { AbortError, type GridResult, type GridRunOptions } from '../gpu/lossGrid.types';
import type { VectorLossResult } from '../gpu/vectorLoss.types';
import type { NpzData } from '../io/npz';
import { summarizePath, type PathEvaluation } from '../landscape/pathEval';
import { evenTs, pointsOnPath } from '../landscape/paths';
import { elementCount } from '../model/layout';
import { OnnxError, readOnnxGraph, type OnnxGraph } from '../model/onnx/graph';
import { addLossTerms, checkTargets, defaultLoss, meanLoss, type LossSums, type Targets } from '../model/onnx/loss';
import { formThetaCpu } from '../model/onnx/weights';
import { Rng } from '../model/rng';
import type { LossKind } from '../model/spec';
import type { GpuSession, LandscapeModel } from './model';
import { OnnxGpuEvaluator, type DataChunk } from './onnxGpu';
import { createSession, type Feed, type GraphSession } from './onnxRuntime';

/** Samples per run when the model's batch axis is free. */
const CHUNK_ROWS = 1024;

/** The data as the model reads it (structured-cloneable). */
export interface OnnxData {
  readonly m: number;
  readonly x: Float32Array;
  /** [m, …] */
  readonly xShape: readonly number[];
  readonly targets: Targets;
}

/** Everything the engine worker needs to rebuild the same model. */
export interface OnnxRecipe {
  readonly kind: 'onnx';
  /** Names this model and data for the worker's cache of sessions. */
  readonly key: string;
  /** The model file's name. */
  readonly name: string;
  /** The file's own bytes (rewritten again on the other side). */
  readonly onnx: Uint8Array;
  readonly data: OnnxData;
  readonly loss: LossKind;
  /** Values per sample in the output. */
  readonly outputs: number;
}

export interface OnnxModel extends LandscapeModel {
  readonly recipe: OnnxRecipe;
  readonly graph: OnnxGraph;
  readonly loss: LossKind;
  /** Frees the runtime's sessions: the wasm one on this thread and the WebGPU EP's (with their GPU buffers). */
  dispose(): Promise<void>;
  /** Frees the wasm session on this thread only (made again on next use); the GPU evaluators stay. */
  releaseRuntime(): Promise<void>;
}

/** The data of an `.npz` file as the model reads it. */
export function onnxData(npz: NpzData): OnnxData {
  const width = npz.yShape.length === 2 ? (npz.yShape[1] ?? 1) : 1;
  return { m: npz.m, x: npz.x, xShape: npz.xShape, targets: { m: npz.m, y: npz.y, width, integer: npz.yInteger } };
}

let keys = 0;

/**
 * Open a model with its data: parse and rewrite the graph, check the data's shape against the model's
 * input, start a session, run θ₀ on the first chunk to learn the outputs, choose or check the loss.
 * Throws an OnnxError (or the runtime's error) naming what does not fit.
 */
export async function openOnnxModel(opts: {
  readonly name: string;
  readonly onnx: Uint8Array;
  readonly data: OnnxData;
  readonly loss?: LossKind;
}): Promise<OnnxModel> {
  const graph = readOnnxGraph(opts.onnx);
  checkInputShape(graph, opts.data);
  const evaluator = new Evaluator(graph, opts.data);
  const outputs = await evaluator.probeOutputs();
  const loss = opts.loss ?? defaultLoss(outputs, opts.data.targets);
  checkTargets(loss, outputs, opts.data.targets);
  keys += 1;
  const recipe: OnnxRecipe = {
    kind: 'onnx',
    key: `${opts.name}#${keys}#${Math.random().toString(36).slice(2)}`,
    name: opts.name,
    onnx: opts.onnx,
    data: opts.data,
    loss,
    outputs,
  };
  return buildModel(recipe, graph, evaluator);
}

/** The model of a recipe (the worker's side); the session starts on first use. */
export function onnxModelFromRecipe(recipe: OnnxRecipe): OnnxModel {
  const graph = readOnnxGraph(recipe.onnx);
  return buildModel(recipe, graph, new Evaluator(graph, recipe.data));
}

function checkInputShape(graph: OnnxGraph, data: OnnxData): void {
  const want = graph.inputShape;
  const have = data.xShape;
  const fits = want.length === have.length && want.every((d, i) => i === 0 || typeof d === 'string' || d === have[i]);
  if (!fits)
    throw new OnnxError(
      `the model's input "${graph.inputName}" has shape [${want.join(', ')}]; the data's x has shape (${have.join(', ')}) — save x with shape (${['N', ...want.slice(1)].join(', ')})`,
    );
}

function buildModel(recipe: OnnxRecipe, graph: OnnxGraph, evaluator: Evaluator): OnnxModel {
  const { loss, outputs } = recipe;
  const evaluate = (theta: Float32Array): Promise<{ loss: number; accuracy?: number }> => evaluator.meanLoss(theta, loss, outputs);
  const classifier = loss !== 'mse';
  const lossAt = async (thetas: Float32Array, count: number): Promise<VectorLossResult> => {
    const size = graph.layout.size;
    const losses = new Float32Array(count);
    const accuracy = classifier ? new Float32Array(count) : null;
    for (let k = 0; k < count; k++) {
      const r = await evaluate(thetas.subarray(k * size, (k + 1) * size));
      losses[k] = r.loss;
      if (accuracy) accuracy[k] = r.accuracy ?? NaN;
    }
    return accuracy ? { losses, accuracy } : { losses };
  };
  const grid = async (points: Parameters<LandscapeModel['lossGridCpu']>[0], opts: GridRunOptions): Promise<GridResult> => {
    const rows = points.rows ?? points.gridSize;
    const n = points.gridSize * rows;
    const lossOut = new Float32Array(n);
    const accOut = classifier ? new Float32Array(n) : null;
    const theta = new Float32Array(graph.layout.size);
    const { center, directionX, directionY } = points;
    for (let iy = 0; iy < rows; iy++) {
      const beta = points.betaStart + ((points.firstRow ?? 0) + iy) * points.betaStep;
      for (let ix = 0; ix < points.gridSize; ix++) {
        if (opts.signal?.aborted === true) throw new AbortError();
        const alpha = points.alphaStart + ix * points.alphaStep;
        formThetaCpu(center, directionX, directionY, alpha, beta, theta);
        const r = await evaluate(theta);
        lossOut[iy * points.gridSize + ix] = r.loss;
        if (accOut) accOut[iy * points.gridSize + ix] = r.accuracy ?? NaN;
      }
      opts.onProgress?.((iy + 1) / rows);
    }
    return accOut ? { loss: lossOut, accuracy: accOut } : { loss: lossOut };
  };
  const pathsWith = async (
    at: (thetas: Float32Array, count: number) => Promise<VectorLossResult>,
    list: Parameters<LandscapeModel['pathsCpu']>[0],
    points: number,
  ): Promise<PathEvaluation[]> => {
    const t = evenTs(points);
    const out: PathEvaluation[] = [];
    for (const path of list) {
      const r = await at(pointsOnPath(path, t), points);
      out.push(summarizePath(t, r.losses, r.accuracy));
    }
    return out;
  };
  const paths = (list: Parameters<LandscapeModel['pathsCpu']>[0], points: number): Promise<PathEvaluation[]> =>
    pathsWith(lossAt, list, points);
  // The WebGPU EP: one evaluator (session, kernels, data in GPU buffers) per device, freed by dispose().
  const onGpu = new Map<GPUDevice, OnnxGpuEvaluator>();
  const gpuEvaluator = (gpu: GpuSession): OnnxGpuEvaluator => {
    let found = onGpu.get(gpu.device);
    if (found === undefined) {
      found = new OnnxGpuEvaluator(gpu.device, graph, evaluator.chunks, recipe.data.targets.y, recipe.data.m, loss, outputs);
      onGpu.set(gpu.device, found);
    }
    return found;
  };
  // Subsamples (the coarse levels' approximation) are kept, so their sessions are made once.
  const subsamples = new Map<string, OnnxModel>();
  const model: OnnxModel = {
    recipe,
    graph,
    loss,
    label: `${recipe.name} (ONNX, ${graph.layout.size} parameters), ${loss}`,
    layout: graph.layout,
    sampleCount: recipe.data.m,
    classifier,
    initialTheta: () => graph.theta.slice(),
    evaluate,
    lossGridGpu: (gpu, points, opts) => gpuEvaluator(gpu).grid(points, opts),
    lossGridCpu: grid,
    lossAtGpu: (gpu, thetas, count) => gpuEvaluator(gpu).lossAt(thetas, count),
    lossAtCpu: lossAt,
    pathsGpu: (gpu, list, points) => pathsWith((thetas, count) => gpuEvaluator(gpu).lossAt(thetas, count), list, points),
    pathsCpu: paths,
    subsample: (count, seed) => {
      if (count >= recipe.data.m) return model;
      const key = `${count}:${seed}`;
      let sub = subsamples.get(key);
      if (sub === undefined) {
        const data = subsampleData(recipe.data, count, seed);
        const subRecipe: OnnxRecipe = { ...recipe, key: `${recipe.key}:sub${count}:${seed}`, data };
        sub = buildModel(subRecipe, graph, new Evaluator(graph, data));
        subsamples.set(key, sub);
      }
      return sub;
    },
    gradients: null,
    releaseRuntime: () => evaluator.dispose(),
    dispose: async () => {
      for (const e of onGpu.values()) e.dispose();
      onGpu.clear();
      const subs = [...subsamples.values()];
      subsamples.clear();
      await Promise.all([evaluator.dispose(), ...subs.map((m) => m.dispose())]);
    },
  };
  return model;
}

/** `count` samples drawn without replacement by a seeded RNG, kept in their order. */
function subsampleData(data: OnnxData, count: number, seed: number): OnnxData {
  const rng = new Rng(seed);
  const order = Array.from({ length: data.m }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(data.m - i);
    [order[i], order[j]] = [order[j] ?? j, order[i] ?? i];
  }
  const rows = order.slice(0, count).sort((a, b) => a - b);
  const rowSize = data.x.length / data.m;
  const width = data.targets.width;
  const x = new Float32Array(count * rowSize);
  const y = new Float32Array(count * width);
  rows.forEach((r, k) => {
    x.set(data.x.subarray(r * rowSize, (r + 1) * rowSize), k * rowSize);
    y.set(data.targets.y.subarray(r * width, (r + 1) * width), k * width);
  });
  return { m: count, x, xShape: [count, ...data.xShape.slice(1)], targets: { ...data.targets, m: count, y } };
}

/** Feeds θ and the data's chunks to one session and sums the loss. */
class Evaluator {
  private session: Promise<GraphSession> | null = null;
  /** The data's chunks as the session is fed them (also the GPU evaluator's). */
  readonly chunks: DataChunk[] = [];

  constructor(
    private readonly graph: OnnxGraph,
    private readonly data: OnnxData,
  ) {
    const fixed = typeof graph.inputShape[0] === 'number' ? graph.inputShape[0] : null;
    const per = Math.max(1, fixed ?? Math.min(CHUNK_ROWS, data.m));
    const rowSize = elementCount(data.xShape.slice(1));
    for (let first = 0; first < data.m; first += per) {
      const rows = Math.min(per, data.m - first);
      const batch = fixed ?? rows;
      const x = new Float32Array(batch * rowSize);
      x.set(data.x.subarray(first * rowSize, (first + rows) * rowSize));
      this.chunks.push({ first, rows, feed: { data: x, dims: [batch, ...data.xShape.slice(1)] } });
    }
  }

  private open(): Promise<GraphSession> {
    this.session ??= createSession(this.graph.bytes, this.graph.outputName);
    return this.session;
  }

  private feeds(theta: Float32Array, chunk: DataChunk): Map<string, Feed> {
    const feeds = new Map<string, Feed>([[this.graph.inputName, chunk.feed]]);
    for (const seg of this.graph.layout.segments)
      feeds.set(seg.name, { data: theta.subarray(seg.offset, seg.offset + elementCount(seg.shape)), dims: seg.shape });
    return feeds;
  }

  /** Values per sample in the output, from a run at θ₀ on the first chunk. */
  async probeOutputs(): Promise<number> {
    const session = await this.open();
    const chunk = this.chunks[0];
    if (chunk === undefined) throw new OnnxError('the data has no samples');
    let out: { data: Float32Array; dims: readonly number[] };
    try {
      out = await session.run(this.feeds(this.graph.theta, chunk));
    } catch (err) {
      throw new OnnxError(`the model does not run on this data (${err instanceof Error ? err.message : String(err)})`, { cause: err });
    }
    const batch = chunk.feed.dims[0] ?? 1;
    if (out.dims[0] !== batch || out.data.length % batch !== 0)
      throw new OnnxError(
        `the output "${this.graph.outputName}" has shape [${out.dims.join(', ')}]; its first axis must be the batch (${batch})`,
      );
    return out.data.length / batch;
  }

  async meanLoss(theta: Float32Array, loss: LossKind, outputs: number): Promise<{ loss: number; accuracy?: number }> {
    const session = await this.open();
    const sums: LossSums = { loss: 0, correct: 0 };
    for (const chunk of this.chunks) {
      const out = await session.run(this.feeds(theta, chunk));
      const batch = chunk.feed.dims[0] ?? 1;
      if (out.data.length !== batch * outputs)
        throw new OnnxError(`the output has ${out.data.length} values for ${batch} samples; ${outputs} per sample were expected`);
      addLossTerms(loss, out.data, outputs, chunk.rows, this.data.targets, chunk.first, sums);
    }
    return meanLoss(loss, outputs, this.data.m, sums);
  }

  async dispose(): Promise<void> {
    const s = this.session;
    this.session = null;
    if (s) await (await s).release();
  }
}
