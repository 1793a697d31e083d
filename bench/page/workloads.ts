/** The benchmark's grid workloads, built from seeds so every run measures the same arrays. */
import { makeDataset } from '../../src/data/generators';
import type { GridRequest, GridSamples } from '../../src/gpu/lossGrid.types';
import { squareGrid } from '../../src/gpu/lossGrid.types';
import { randomDirection } from '../../src/landscape/directions';
import { initParams } from '../../src/model/init';
import { Rng } from '../../src/model/rng';
import type { MlpSpec } from '../../src/model/spec';

export interface Workload {
  readonly name: string;
  readonly description: string;
  readonly spec: MlpSpec;
  readonly samples: GridSamples;
  readonly center: Float32Array;
  readonly directionX: Float32Array;
  readonly directionY: Float32Array;
  readonly gridSize: number;
  readonly span: number;
}

export function gridRequest(w: Workload, gridSize = w.gridSize): GridRequest {
  const { spec, samples, center, directionX, directionY } = w;
  return squareGrid({ spec, samples, center, directionX, directionY }, gridSize, w.span);
}

function plane(spec: MlpSpec, seed: number): Pick<Workload, 'center' | 'directionX' | 'directionY'> {
  const center = initParams(spec, seed);
  const opts = { filterNormalize: true, keepBias: false };
  return {
    center,
    directionX: randomDirection(spec, center, seed + 101, opts),
    directionY: randomDirection(spec, center, seed + 202, opts),
  };
}

/** Spiral, m = 256, 2-32-32-1 tanh, MSE, with bias, 129² over [−1, 1]². */
export function defaultWorkload(): Workload {
  const spec: MlpSpec = { inputs: 2, hidden: [32, 32], outputs: 1, activation: 'tanh', loss: 'mse', bias: true };
  const data = makeDataset('spiral', { samples: 256, classes: 2, noise: 0.1, seed: 1 }, 'mse');
  return {
    name: 'default',
    description: 'spiral m=256, 2-32-32-1 tanh mse, 129²',
    spec,
    samples: { m: data.m, inputs: data.inputs, x: data.x, y: data.y },
    ...plane(spec, 1),
    gridSize: 129,
    span: 1,
  };
}

/**
 * The peers' toy workload (bench/peers): spiral m = 512, 2-32-32-1 tanh, MSE, 51² over [−1, 1]²; small
 * enough that launch overheads and per-point costs show, which is where peers that run one forward pass
 * per point do best.
 */
export function toyWorkload(): Workload {
  const spec: MlpSpec = { inputs: 2, hidden: [32, 32], outputs: 1, activation: 'tanh', loss: 'mse', bias: true };
  const data = makeDataset('spiral', { samples: 512, classes: 2, noise: 0.1, seed: 1 }, 'mse');
  return {
    name: 'toy',
    description: 'spiral m=512, 2-32-32-1 tanh mse, 51²',
    spec,
    samples: { m: data.m, inputs: data.inputs, x: data.x, y: data.y },
    ...plane(spec, 3),
    gridSize: 51,
    span: 1,
  };
}

/** 784 seeded gaussian inputs, random labels 0..9, 784-128-10 relu, cross-entropy, m = 1000, 51². */
export function wideWorkload(): Workload {
  const spec: MlpSpec = { inputs: 784, hidden: [128], outputs: 10, activation: 'relu', loss: 'cross_entropy', bias: true };
  const m = 1000;
  const rng = new Rng(20240);
  const x = new Float32Array(m * spec.inputs);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const y = new Float32Array(m);
  for (let i = 0; i < m; i++) y[i] = rng.int(10);
  return {
    name: 'wide',
    description: 'gaussian 784-d m=1000, 784-128-10 relu cross-entropy, 51²',
    spec,
    samples: { m, inputs: spec.inputs, x, y },
    ...plane(spec, 2),
    gridSize: 51,
    span: 1,
  };
}
