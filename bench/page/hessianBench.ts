/**
 * Hessian top-5 of the default preset (spiral m = 256, 2-32-32-1 tanh mse, θ₀ by 600 Adam steps): Lanczos
 * (40 steps, full reorthogonalisation) over GPU Hessian-vector products against the same over the float64
 * CPU twin, both eigenvalues only (no SLQ, no traces), and the largest relative difference between them.
 */
import { makeDataset } from '../../src/data/generators';
import { hessianVectorProductsCpu } from '../../src/gpu/hessianVector.cpu';
import { HessianVectorKernel } from '../../src/gpu/hessianVector.gpu';
import { computeHessian, EIGEN_ONLY, type CurvatureOracle, type HessianOptions } from '../../src/landscape/hessian';
import { initParams } from '../../src/model/init';
import { deriveSeed } from '../../src/model/rng';
import type { MlpSpec } from '../../src/model/spec';
import { trainMultiSeed } from '../../src/train/multiSeed';
import type { HessianBenchResult } from './types';

export async function benchHessian(device: GPUDevice, log: (line: string) => void): Promise<HessianBenchResult> {
  const spec: MlpSpec = { inputs: 2, hidden: [32, 32], outputs: 1, activation: 'tanh', loss: 'mse', bias: true };
  const data = makeDataset('spiral', { samples: 256, classes: 2, noise: 0.1, seed: 1 }, 'mse');
  const samples = { m: data.m, inputs: data.inputs, x: data.x, y: data.y };
  log('hessian: θ₀ by 600 Adam steps');
  const trained = await trainMultiSeed(
    { spec, samples, thetas: [initParams(spec, deriveSeed(1, 'init'))], steps: 600, optimizer: 'adam', learningRate: 0.02 },
    device,
  );
  const theta = trained.thetas;
  const opts: HessianOptions = { ...EIGEN_ONLY, top: 5, bottom: 0 };
  const noLosses = (): Promise<ArrayLike<number>> => Promise.reject(new Error('no losses needed'));
  const kernel = new HessianVectorKernel(device, spec, samples);
  try {
    const gpuOracle: CurvatureOracle = { size: theta.length, products: (v, c) => kernel.products(theta, v, c), losses: noLosses };
    await computeHessian(gpuOracle, theta, { ...opts, iterations: 3 }); // warm-up: pipelines compiled
    const gpu = await computeHessian(gpuOracle, theta, opts);
    log(`hessian: GPU top-5 in ${(gpu.ms / 1000).toFixed(2)} s`);
    const cpuOracle: CurvatureOracle = {
      size: theta.length,
      products: (v, c) => Promise.resolve(hessianVectorProductsCpu(spec, samples, theta, v, c)),
      losses: noLosses,
    };
    const cpu = await computeHessian(cpuOracle, theta, opts);
    log(`hessian: CPU twin top-5 in ${(cpu.ms / 1000).toFixed(2)} s`);
    const rel = Math.max(
      ...gpu.top.map((p, k) => Math.abs(p.value - (cpu.top[k]?.value ?? Number.NaN)) / Math.abs(cpu.top[k]?.value ?? 1)),
    );
    return {
      description: `spiral m=256, 2-32-32-1 tanh mse, n = ${theta.length}, top 5, ${gpu.iterations} Lanczos steps`,
      parameters: theta.length,
      iterations: gpu.iterations,
      gpuSeconds: gpu.ms / 1000,
      cpuSeconds: cpu.ms / 1000,
      eigenvalues: gpu.top.map((p) => p.value),
      maxRelativeDifference: rel,
    };
  } finally {
    kernel.dispose();
  }
}
