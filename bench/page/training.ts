/**
 * Training throughput on the bench page: K = 64 seeds of the default preset (spiral m = 256,
 * 2-32-32-1 tanh mse) trained at once by the GPU kernels (gradient + Adam) against the CPU twin,
 * in (parameter vectors × samples) gradient evaluations per second; and the time of the default
 * "are all minima global?" width sweep.
 */
import { floorLoss, makeTheoremData } from '../../src/data/theoremData';
import { makeDataset } from '../../src/data/generators';
import type { MlpSpec } from '../../src/model/spec';
import { trainMultiSeed } from '../../src/train/multiSeed';
import type { MultiSeedOptions } from '../../src/train/multiSeed.types';
import { trainMultiSeedCpu } from '../../src/train/multiSeedCpu';
import { defaultSweepRequest, widthsOf } from '../../src/train/trainingLimits';
import { runWidthSweep } from '../../src/train/widthSweep';
import type { TrainingBenchResult } from './types';

const K = 64;
const GPU_STEPS = 60;
const CPU_STEPS = 3;

export async function benchTraining(device: GPUDevice, log: (line: string) => void): Promise<TrainingBenchResult> {
  const spec: MlpSpec = { inputs: 2, hidden: [32, 32], outputs: 1, activation: 'tanh', loss: 'mse', bias: true };
  const data = makeDataset('spiral', { samples: 256, classes: 2, noise: 0.1, seed: 1 }, 'mse');
  const samples = { m: data.m, inputs: data.inputs, x: data.x, y: data.y };
  const seeds = Array.from({ length: K }, (_, k) => k + 1);
  const opts = (steps: number): MultiSeedOptions => ({ spec, samples, seeds, steps, optimizer: 'adam', learningRate: 0.02 });

  log(`training: warm-up (K = ${K}, 10 steps)`);
  await trainMultiSeed(opts(10), device, { targetSubmitMs: 200 });
  const gpuRuns: number[] = [];
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    await trainMultiSeed(opts(GPU_STEPS), device, { targetSubmitMs: 200 });
    gpuRuns.push((performance.now() - t0) / 1000);
    log(`training: GPU ${GPU_STEPS} steps × ${K} seeds in ${gpuRuns.at(-1)?.toFixed(2)} s`);
  }
  const gpuSeconds = Math.min(...gpuRuns);
  const evals = (steps: number): number => K * samples.m * steps;
  await trainMultiSeedCpu(opts(1)); // JIT warm-up
  const t1 = performance.now();
  await trainMultiSeedCpu(opts(CPU_STEPS));
  const cpuSeconds = (performance.now() - t1) / 1000;
  log(`training: CPU twin ${CPU_STEPS} steps × ${K} seeds in ${cpuSeconds.toFixed(2)} s`);

  const req = defaultSweepRequest();
  const theorem = makeTheoremData({ m: req.samples, loss: req.loss, duplicated: req.duplicated, seed: req.dataSeed });
  const widths = widthsOf(req);
  log(`training: default width sweep (m = ${req.samples}, n₁ = ${widths[0]}…${widths.at(-1)}, K = ${req.seeds}, ${req.steps} steps)`);
  const sweep = await runWidthSweep(
    {
      samples: theorem,
      outputs: 1,
      widths,
      seeds: Array.from({ length: req.seeds }, (_, k) => k + 1),
      steps: req.steps,
      optimizer: req.optimizer,
      learningRate: req.learningRate,
      activation: req.activation,
      loss: req.loss,
      epsilonRatio: req.epsilonRatio,
      floorLoss: floorLoss(theorem, req.loss),
    },
    (o) => trainMultiSeed(o, device),
  );
  log(
    `training: width sweep in ${(sweep.totalMs / 1000).toFixed(1)} s; success ${sweep.points.map((p) => `${p.width}:${p.successes}`).join(' ')}`,
  );
  const gpuRate = evals(GPU_STEPS) / gpuSeconds;
  const cpuRate = evals(CPU_STEPS) / cpuSeconds;
  return {
    description: `K = ${K} seeds, spiral m=256, 2-32-32-1 tanh mse, full-batch Adam`,
    seeds: K,
    samples: samples.m,
    gpuSteps: GPU_STEPS,
    gpuRuns,
    gpuSeconds,
    gpuEvalsPerSecond: gpuRate,
    cpuSteps: CPU_STEPS,
    cpuSeconds,
    cpuEvalsPerSecond: cpuRate,
    gpuOverCpu: gpuRate / cpuRate,
    sweep: {
      description: `m=${req.samples} tanh mse, n₁ = ${widths.join(',')}, K=${req.seeds}, ${req.steps} Adam steps`,
      seconds: sweep.totalMs / 1000,
      successes: sweep.points.map((p) => ({ width: p.width, successes: p.successes, seeds: req.seeds })),
    },
  };
}
