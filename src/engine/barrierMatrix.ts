/**
 * The barrier matrix of K minima as a flow: for every pair (i < j) of kept minima, the loss barrier
 * along the straight line and along a trained curve (the same job connect() trains, so each entry is
 * that pair's own connect() barrier), then single-linkage clustering of both matrices. On the GPU
 * the curves of all pairs are trained side by side in the same dispatches and every pair's line and
 * curve are evaluated in one call (Engine.curvesAndPaths; each pair's curve is bit for bit the one
 * connect() trains alone); on the CPU, and for nudged elastic bands, pairs run one after another.
 * Returns plain data.
 */
import { AbortError } from '../gpu/lossGrid.types';
import { straightLine } from '../landscape/paths';
import { singleLinkage } from '../landscape/singleLinkage';
import type { AppState } from '../state/appState';
import { clampNumber, field, shown } from '../train/trainingLimits';
import { curveJobOf } from './connect';
import { clampConnectRequest, type ConnectRequest } from './connectRequest';
import type { Samples } from '../model/samples';
import type { MlpSpec } from '../model/spec';
import type { CurveBatchJob } from './backend';
import type { Engine } from './pipeline';

export const MAX_BARRIER_MINIMA = 16;

export interface BarrierMatrixRequest {
  /** Kept minima to connect (ids); empty: train `seeds` new ones first. */
  readonly ids: readonly number[];
  /** How many seeds to train when no ids are given (2 … 16), from firstSeed on. */
  readonly seeds: number;
  /** The curve between each pair, as connect() reads it (a and b unused); firstSeed, minimaSteps, minimaLr train the minima. */
  readonly connect: ConnectRequest;
}

export interface BarrierMatrixResult {
  /** Kept minima's ids, in the matrices' row order. */
  ids: number[];
  kind: ConnectRequest['kind'];
  /** line[i][j], curve[i][j]: barrier (max along the path − the higher endpoint) between ids[i] and ids[j]; 0 on the diagonal. */
  line: number[][];
  curve: number[][];
  /** Single-linkage leaf order of the curve matrix: indices into ids. */
  order: number[];
  /** Single-linkage merge level of each pair on the curve barriers (and on the line barriers). */
  merge: number[][];
  lineMerge: number[][];
  /** Pairs whose curve training diverged (index pairs into ids). */
  diverged: [number, number][];
  device: 'webgpu' | 'cpu';
  /** True when the curves of all pairs were trained side by side in one GPU job. */
  batched: boolean;
  ms: { total: number; perPair: number };
  notices: string[];
}

export function clampBarrierRequest(raw: unknown): { request: BarrierMatrixRequest; notices: string[] } {
  const n: string[] = [];
  if (raw !== undefined && (typeof raw !== 'object' || raw === null))
    n.push('barrierMatrix options must be an object like { seeds: 6, kind: "bezier" }');
  const seeds = clampNumber('seeds', field(raw, 'seeds'), 6, [2, MAX_BARRIER_MINIMA], true, n);
  const rawIds = field(raw, 'ids');
  let ids: number[] = [];
  if (rawIds !== undefined) {
    if (Array.isArray(rawIds) && rawIds.every((v) => typeof v === 'number' && Number.isInteger(v) && v > 0)) {
      ids = [...new Set(rawIds as number[])].slice(0, MAX_BARRIER_MINIMA);
      if (ids.length < 2) {
        n.push(`ids: ${shown(rawIds)} names fewer than 2 networks; trained ${seeds} seeds instead`);
        ids = [];
      }
    } else n.push(`ids: ${shown(rawIds)} is not a list of kept networks' ids; trained ${seeds} seeds instead`);
  }
  const rest = typeof raw === 'object' && raw !== null ? { ...(raw as Record<string, unknown>) } : {};
  delete rest.a;
  delete rest.b;
  delete rest.seeds;
  delete rest.ids;
  const connect = clampConnectRequest(rest);
  return { request: { ids, seeds, connect: { ...connect.request, a: null, b: null } }, notices: [...n, ...connect.notices] };
}

/** Every pair's line and curve barrier between `minima` (vectors of the page's network), and their clustering. */
export async function barrierMatrix(
  engine: Engine,
  state: AppState,
  request: ConnectRequest,
  minima: readonly { readonly id: number; readonly theta: Float32Array }[],
  signal: AbortSignal,
  progress: (label: string, fraction: number) => void,
  opts: { readonly batched?: boolean } = {},
): Promise<BarrierMatrixResult> {
  const t0 = performance.now();
  const notices: string[] = [];
  const { model, spec, data } = engine.dataFor(state);
  const samples = { m: data.m, inputs: data.inputs, x: data.x, y: data.y };
  const K = minima.length;
  const line = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const curve = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const diverged: [number, number][] = [];
  const pairs = (K * (K - 1)) / 2;
  const set = (i: number, j: number, lineBarrier: number, curveBarrier: number): void => {
    for (const [m, v] of [
      [line, lineBarrier],
      [curve, curveBarrier],
    ] as const) {
      const rowI = m[i];
      const rowJ = m[j];
      if (rowI) rowI[j] = v;
      if (rowJ) rowJ[i] = v;
    }
  };
  let gpuAll = true;
  let batched = false;
  const ends: { i: number; j: number; a: Float32Array; b: Float32Array }[] = [];
  for (let i = 0; i < K; i++) {
    for (let j = i + 1; j < K; j++) {
      const a = minima[i];
      const b = minima[j];
      if (a !== undefined && b !== undefined) ends.push({ i, j, a: a.theta, b: b.theta });
    }
  }
  const job = engine.gpu !== null && opts.batched !== false ? batchJobOf(request, spec, samples, ends) : null;
  if (job !== null) {
    const ran = await engine.curvesAndPaths(
      model,
      job,
      (path, c) => [straightLine(ends[c]?.a ?? path.a, ends[c]?.b ?? path.b), path],
      request.points,
      signal,
      (step, first, count) =>
        progress(
          `${count > 1 ? `pairs ${first + 1}–${first + count}` : `pair ${first + 1}`}/${pairs}: ${request.kind} step ${step}/${request.steps}`,
          (first * request.steps + count * step) / (pairs * request.steps),
        ),
    );
    for (const w of ran.warnings) if (!notices.includes(w)) notices.push(w);
    gpuAll = ran.backend.kind === 'webgpu';
    batched = ran.value.batched;
    ends.forEach(({ i, j }, c) => {
      const [lineEval, curveEval] = ran.value.evals[c] ?? [];
      if (lineEval === undefined || curveEval === undefined) throw new Error('path evaluation returned nothing');
      if (ran.value.curves[c]?.diverged === true) diverged.push([i, j]);
      set(i, j, lineEval.barrier, curveEval.barrier);
    });
  }
  let done = 0;
  for (let i = 0; i < K && job === null; i++) {
    for (let j = i + 1; j < K; j++) {
      if (signal.aborted) throw new AbortError();
      const a = minima[i];
      const b = minima[j];
      if (a === undefined || b === undefined) continue;
      const label = `pair ${done + 1}/${pairs} (#${a.id}, #${b.id})`;
      const ran = await engine.curveAndPaths(
        model,
        curveJobOf(request, spec, samples, a.theta, b.theta),
        (path) => [straightLine(a.theta, b.theta), path],
        request.points,
        signal,
        (step) => progress(`${label}: ${request.kind} step ${step}/${request.steps}`, (done + step / request.steps) / pairs),
      );
      for (const w of ran.warnings) if (!notices.includes(w)) notices.push(w);
      if (ran.backend.kind !== 'webgpu') gpuAll = false;
      const [lineEval, curveEval] = ran.value.evals;
      if (lineEval === undefined || curveEval === undefined) throw new Error('path evaluation returned nothing');
      if (ran.value.curve.diverged) diverged.push([i, j]);
      set(i, j, lineEval.barrier, curveEval.barrier);
      done++;
    }
  }
  if (diverged.length > 0)
    notices.push(`curve training diverged for ${diverged.length} pair(s): their curve barriers are where it blew up`);
  const clustered = singleLinkage(curve);
  const total = performance.now() - t0;
  return {
    ids: minima.map((m) => m.id),
    kind: request.kind,
    line,
    curve,
    order: clustered.order,
    merge: clustered.merge,
    lineMerge: singleLinkage(line).merge,
    diverged,
    device: gpuAll ? 'webgpu' : 'cpu',
    batched,
    ms: { total, perPair: pairs > 0 ? total / pairs : 0 },
    notices,
  };
}

/** The curve jobs of all pairs as one batch (the same options connect() trains each with), or null for nudged elastic bands. */
function batchJobOf(
  request: ConnectRequest,
  spec: MlpSpec,
  samples: Samples,
  ends: readonly { readonly a: Float32Array; readonly b: Float32Array }[],
): CurveBatchJob | null {
  const [first] = ends;
  if (first === undefined) return null;
  const one = curveJobOf(request, spec, samples, first.a, first.b);
  if (one.method !== 'curve') return null;
  const { a: _a, b: _b, ...shared } = one;
  return { ...shared, curves: ends.map(({ a, b }) => ({ a, b })) };
}
