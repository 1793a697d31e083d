/**
 * The "are all minima global?" experiment: for each hidden width n₁, train K seeds of a
 * one-hidden-layer network on the same small data set and record how many reach the floor.
 * The trainer is passed in (GPU or CPU twin), so this runs in the page, in tests and in Node.
 */
import type { Samples } from '../model/samples';
import type { Activation, LossKind, MlpSpec } from '../model/spec';
import type { MultiSeedOptions, MultiSeedResult } from './multiSeed.types';
import { medianFinite, summarizeRun, type RunSummary } from './runSummary';

export type Trainer = (opts: MultiSeedOptions) => Promise<MultiSeedResult>;

export interface WidthSweepOptions {
  readonly samples: Samples;
  /** Outputs of the network (1 for mse / bce, 2 for two-class cross-entropy). */
  readonly outputs: number;
  readonly widths: readonly number[];
  readonly seeds: readonly number[];
  readonly steps: number;
  readonly optimizer: 'adam' | 'sgd';
  readonly learningRate: number;
  readonly activation: Activation;
  readonly loss: LossKind;
  readonly epsilonRatio: number;
  /** The lowest loss reachable on the data (0 for distinct inputs). */
  readonly floorLoss: number;
  readonly signal?: AbortSignal;
  /** Progress inside the sweep: width index, step of that width's training, median loss now. */
  readonly onProgress?: (widthIndex: number, step: number, medianLoss: number) => void;
}

export interface WidthPoint extends RunSummary {
  readonly width: number;
  readonly spec: MlpSpec;
  readonly result: MultiSeedResult;
  readonly ms: number;
}

export interface WidthSweepResult {
  readonly m: number;
  readonly points: readonly WidthPoint[];
  readonly floorLoss: number;
  readonly totalMs: number;
}

export async function runWidthSweep(opts: WidthSweepOptions, train: Trainer): Promise<WidthSweepResult> {
  const t0 = performance.now();
  const points: WidthPoint[] = [];
  for (const [index, width] of opts.widths.entries()) {
    const spec: MlpSpec = {
      inputs: opts.samples.inputs,
      hidden: [width],
      outputs: opts.outputs,
      activation: opts.activation,
      loss: opts.loss,
      bias: true,
    };
    const start = performance.now();
    const result = await train({
      spec,
      samples: opts.samples,
      seeds: opts.seeds,
      steps: opts.steps,
      optimizer: opts.optimizer,
      learningRate: opts.learningRate,
      schedule: 'cosine',
      progressEvery: Math.max(1, Math.floor(opts.steps / 10)),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress
        ? { onProgress: (step: number, losses: Float32Array) => opts.onProgress?.(index, step, medianFinite(losses)) }
        : {}),
    });
    points.push({ width, spec, result, ms: performance.now() - start, ...summarizeRun(result, opts.epsilonRatio, opts.floorLoss) });
  }
  return { m: opts.samples.m, points, floorLoss: opts.floorLoss, totalMs: performance.now() - t0 };
}
