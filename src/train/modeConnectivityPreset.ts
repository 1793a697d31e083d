/**
 * The default mode-connectivity preset: moons (128 samples, noise 0.1, data seed 1), a 2-16-2 tanh
 * network with cross-entropy; minima A and B trained from init seeds 1 and 2 (trainMultiSeed, K = 2,
 * 1,000 full-batch Adam steps at 0.03, final losses ≈ 4e-4); the straight line between them crosses
 * a barrier of ≈ 0.97 while a Bezier curve trained for 300 steps (16 t per step, Adam 0.05, Garipov
 * schedule) has ≈ 0.006 (measured on SwiftShader). The tests and the benchmark build on it.
 */
import { makeDataset } from '../data/generators';
import type { Dataset } from '../data/dataset';
import type { MlpSpec } from '../model/spec';
import type { CurveTrainOptions } from './curveTraining.types';
import { trainMultiSeed } from './multiSeed';

export interface ModeConnectivityPreset {
  readonly spec: MlpSpec;
  readonly samples: number;
  readonly noise: number;
  readonly dataSeed: number;
  /** Init seeds of A and B. */
  readonly seeds: readonly [number, number];
  readonly minimaSteps: number;
  readonly minimaLearningRate: number;
  readonly curveSteps: number;
  readonly curveLearningRate: number;
  readonly tPerStep: number;
}

export const MODE_CONNECTIVITY_PRESET: ModeConnectivityPreset = {
  spec: { inputs: 2, hidden: [16], outputs: 2, activation: 'tanh', loss: 'cross_entropy', bias: true },
  samples: 128,
  noise: 0.1,
  dataSeed: 1,
  seeds: [1, 2],
  minimaSteps: 1000,
  minimaLearningRate: 0.03,
  curveSteps: 300,
  curveLearningRate: 0.05,
  tPerStep: 16,
};

export function presetData(preset: ModeConnectivityPreset): Dataset {
  return makeDataset('moons', { samples: preset.samples, classes: 2, noise: preset.noise, seed: preset.dataSeed }, preset.spec.loss);
}

/** The two minima of a preset, trained together on the GPU. */
export async function presetMinima(
  device: GPUDevice,
  preset: ModeConnectivityPreset,
  data = presetData(preset),
): Promise<{ a: Float32Array; b: Float32Array; losses: Float32Array }> {
  const r = await trainMultiSeed(
    {
      spec: preset.spec,
      samples: data,
      seeds: [...preset.seeds],
      steps: preset.minimaSteps,
      optimizer: 'adam',
      learningRate: preset.minimaLearningRate,
    },
    device,
  );
  const P = r.paramCount;
  return { a: r.thetas.slice(0, P), b: r.thetas.slice(P, 2 * P), losses: r.finalLosses };
}

/** The preset's Bezier curve training options between `a` and `b`. */
export function presetCurveOptions(preset: ModeConnectivityPreset, data: Dataset, a: Float32Array, b: Float32Array): CurveTrainOptions {
  return {
    spec: preset.spec,
    samples: data,
    a,
    b,
    kind: 'bezier',
    steps: preset.curveSteps,
    tPerStep: preset.tPerStep,
    optimizer: 'adam',
    learningRate: preset.curveLearningRate,
    seed: 0,
  };
}
