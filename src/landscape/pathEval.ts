/**
 * Loss and accuracy at N points along a path (Garipov's evaluation uses N = 61), and the
 * barrier height: max along the path − max of the two endpoint losses. The GPU version
 * evaluates all points (of one or several paths) in one VectorLossKernel call.
 */
import { vectorLossCpu } from '../gpu/vectorLoss.cpu';
import type { VectorLossKernel } from '../gpu/vectorLoss.gpu';
import type { VectorLossResult } from '../gpu/vectorLoss.types';
import type { Samples } from '../model/samples';
import type { MlpSpec } from '../model/spec';
import { assertValidPath, evenTs, pointsOnPath, type Path } from './paths';

export const DEFAULT_PATH_POINTS = 61;

export interface PathEvaluation {
  /** Path parameters, evenly spaced from 0 to 1. */
  readonly t: Float64Array;
  /** Mean loss at each t. */
  readonly loss: Float32Array;
  /** Fraction correct at each t; present for classifiers. */
  readonly accuracy?: Float32Array;
  readonly maxLoss: number;
  /** max(L(A), L(B)): the losses at t = 0 and t = 1. */
  readonly endpointMax: number;
  /** maxLoss − endpointMax (0 when the path never rises above its higher endpoint). */
  readonly barrier: number;
}

/** Builds the evaluation record from the losses at `t` (t[0] = 0 and t[last] = 1). */
export function summarizePath(t: Float64Array, loss: Float32Array, accuracy?: Float32Array): PathEvaluation {
  let maxLoss = -Infinity;
  for (const v of loss) maxLoss = Math.max(maxLoss, Number.isNaN(v) ? Infinity : v);
  const endpointMax = Math.max(loss[0] ?? Number.NaN, loss[loss.length - 1] ?? Number.NaN);
  return { t, loss, ...(accuracy ? { accuracy } : {}), maxLoss, endpointMax, barrier: maxLoss - endpointMax };
}

function split(paths: readonly Path[], result: VectorLossResult, t: Float64Array): PathEvaluation[] {
  const N = t.length;
  return paths.map((_, i) => summarizePath(t, result.losses.slice(i * N, (i + 1) * N), result.accuracy?.slice(i * N, (i + 1) * N)));
}

function stackPoints(paths: readonly Path[], t: Float64Array, paramCount: number): Float32Array {
  const N = t.length;
  const thetas = new Float32Array(paths.length * N * paramCount);
  paths.forEach((path, i) => {
    assertValidPath(path);
    if (path.a.length !== paramCount) throw new Error(`path ${i} has ${path.a.length} parameters, the network ${paramCount}`);
    thetas.set(pointsOnPath(path, t), i * N * paramCount);
  });
  return thetas;
}

/**
 * Several paths (e.g. the line and the curve, or those of every pair of a barrier matrix) at `points`
 * evenly spaced t each, in one GPU call, or in as few as the device's storage buffers allow (each point
 * is evaluated on its own, so the split changes no value).
 */
export async function evaluatePaths(
  kernel: Pick<VectorLossKernel, 'paramCount' | 'evaluate'> & { readonly maxVectors?: number },
  paths: readonly Path[],
  points = DEFAULT_PATH_POINTS,
): Promise<PathEvaluation[]> {
  const t = evenTs(points);
  const perCall = kernel.maxVectors === undefined ? paths.length : Math.max(1, Math.floor(kernel.maxVectors / points));
  const evaluations: PathEvaluation[] = [];
  for (let start = 0; start < paths.length; start += perCall) {
    const part = paths.slice(start, start + perCall);
    const thetas = stackPoints(part, t, kernel.paramCount);
    evaluations.push(...split(part, await kernel.evaluate(thetas, part.length * points), t));
  }
  return evaluations;
}

export async function evaluatePath(kernel: VectorLossKernel, path: Path, points = DEFAULT_PATH_POINTS): Promise<PathEvaluation> {
  const [only] = await evaluatePaths(kernel, [path], points);
  if (!only) throw new Error('path evaluation returned nothing');
  return only;
}

/** CPU twin of evaluatePaths (float64 forward passes). */
export function evaluatePathsCpu(spec: MlpSpec, samples: Samples, paths: readonly Path[], points = DEFAULT_PATH_POINTS): PathEvaluation[] {
  const t = evenTs(points);
  if (paths.length === 0) return [];
  const P = paths[0]?.a.length ?? 0;
  const thetas = stackPoints(paths, t, P);
  return split(paths, vectorLossCpu(spec, samples, thetas, paths.length * points), t);
}

export function evaluatePathCpu(spec: MlpSpec, samples: Samples, path: Path, points = DEFAULT_PATH_POINTS): PathEvaluation {
  const [only] = evaluatePathsCpu(spec, samples, [path], points);
  if (!only) throw new Error('path evaluation returned nothing');
  return only;
}
