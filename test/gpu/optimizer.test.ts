import { describe, expect, it } from 'vitest';
import { createOptimizerStateCpu, optimizerStepCpu } from '../../src/gpu/optimizer.cpu';
import { OptimizerKernel, type OptimizerBuffers } from '../../src/gpu/optimizer.gpu';
import type { OptimizerConfig } from '../../src/gpu/optimizer.types';
import { Rng } from '../../src/model/rng';
import { nodeGpu, withErrorScopes } from './nodeGpu';

interface Run {
  readonly thetas: Float32Array;
  readonly moment1: Float32Array;
  readonly divergedAt: Uint32Array;
}

/** `steps` optimiser steps on the GPU with the given per-step gradients and losses. */
async function runGpu(
  device: GPUDevice,
  thetas: Float32Array,
  count: number,
  config: OptimizerConfig,
  grads: readonly Float32Array[],
  losses: readonly Float32Array[],
  stepsPerSubmit: number,
): Promise<Run> {
  const P = thetas.length / count;
  const made: GPUBuffer[] = [];
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const buffer = (label: string, data: Float32Array | Uint32Array): GPUBuffer => {
    const b = device.createBuffer({ label: `test.${label}`, size: Math.max(16, data.byteLength), usage });
    device.queue.writeBuffer(b, 0, data.slice());
    made.push(b);
    return b;
  };
  const buffers: OptimizerBuffers = {
    count,
    thetas: buffer('thetas', thetas),
    moment1: buffer('moment1', new Float32Array(thetas.length)),
    moment2: buffer('moment2', new Float32Array(thetas.length)),
    divergedAt: buffer('divergedAt', new Uint32Array(count)),
    // One gradient and loss buffer per step, so several steps fit one submission.
    grads: buffer('grads', new Float32Array(thetas.length)),
    losses: buffer('losses', new Float32Array(count)),
  };
  const perStep = grads.map((g, t) => ({
    ...buffers,
    grads: buffer(`grads${t}`, g),
    losses: buffer(`losses${t}`, losses[t] ?? new Float32Array(count)),
  }));
  const kernel = new OptimizerKernel(device, P);
  for (let t = 0; t < perStep.length; t += stepsPerSubmit) {
    const encoder = device.createCommandEncoder({ label: 'test.optimizer' });
    for (let i = t; i < Math.min(perStep.length, t + stepsPerSubmit); i++) {
      const b = perStep[i];
      if (b) kernel.encodeStep(encoder, b, config, i + 1);
    }
    device.queue.submit([encoder.finish()]);
    kernel.submitted();
  }
  const read = async (src: GPUBuffer, bytes: number): Promise<ArrayBuffer> => {
    const rb = device.createBuffer({
      label: 'test.readback',
      size: Math.max(16, bytes),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    made.push(rb);
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(src, 0, rb, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await rb.mapAsync(GPUMapMode.READ);
    const out = rb.getMappedRange().slice(0, bytes);
    rb.unmap();
    return out;
  };
  const out: Run = {
    thetas: new Float32Array(await read(buffers.thetas, thetas.byteLength)),
    moment1: new Float32Array(await read(buffers.moment1, thetas.byteLength)),
    divergedAt: new Uint32Array(await read(buffers.divergedAt, count * 4)),
  };
  kernel.dispose();
  kernel.dispose();
  for (const b of made) b.destroy();
  return out;
}

function runCpu(
  thetas: Float32Array,
  count: number,
  config: OptimizerConfig,
  grads: readonly Float32Array[],
  losses: readonly Float32Array[],
): Run {
  const state = createOptimizerStateCpu(Float32Array.from(thetas), count);
  grads.forEach((g, t) => optimizerStepCpu(state, g, losses[t] ?? new Float32Array(count), config, t + 1));
  return state;
}

function maxRelative(a: Float32Array, b: Float32Array): number {
  let scale = 1e-6;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  a.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(v - (b[i] ?? Number.NaN)) / scale);
  });
  return worst;
}

describe('optimizer kernel', () => {
  const configs: OptimizerConfig[] = [
    { kind: 'adam', learningRate: 0.01 },
    { kind: 'adam', learningRate: 0.003, beta1: 0.8, beta2: 0.99, eps: 1e-6 },
    { kind: 'sgd', learningRate: 0.1 },
    { kind: 'sgd', learningRate: 0.05, momentum: 0 },
  ];
  for (const config of configs) {
    for (const steps of [1, 7]) {
      it(`${config.kind} ${JSON.stringify(config)}: ${steps} step(s) agree with the CPU twin`, async () => {
        const { device } = await nodeGpu();
        const rng = new Rng(steps * 13 + config.learningRate * 1000);
        const count = 5;
        const P = 301;
        const thetas = new Float32Array(count * P).map(() => rng.normal());
        const grads = Array.from({ length: steps }, () => new Float32Array(count * P).map(() => rng.normal() * 10 ** rng.range(-4, 1)));
        const losses = Array.from({ length: steps }, () => new Float32Array(count).map(() => rng.uniform()));
        const gpu = await withErrorScopes(device, () => runGpu(device, thetas, count, config, grads, losses, 3));
        const cpu = runCpu(thetas, count, config, grads, losses);
        expect(maxRelative(gpu.thetas, cpu.thetas)).toBeLessThanOrEqual(1e-5);
        expect(maxRelative(gpu.moment1, cpu.moment1)).toBeLessThanOrEqual(1e-5);
        expect(Array.from(gpu.divergedAt)).toEqual([0, 0, 0, 0, 0]);
        expect(maxRelative(gpu.thetas, thetas)).toBeGreaterThan(1e-4);
      });
    }
  }

  it('freezes a vector whose loss or parameters stop being finite, and only that one', async () => {
    const { device } = await nodeGpu();
    const count = 4;
    const P = 130;
    const rng = new Rng(1);
    const thetas = new Float32Array(count * P).map(() => rng.normal());
    thetas[2 * P + 129] = Number.POSITIVE_INFINITY; // vector 2: a parameter is already infinite
    const grads = Array.from({ length: 4 }, () => new Float32Array(count * P).map(() => rng.normal()));
    const losses = Array.from({ length: 4 }, (_, t) => Float32Array.from([0.5, t >= 2 ? Number.NaN : 0.5, 0.5, 0.5]));
    const config: OptimizerConfig = { kind: 'adam', learningRate: 0.01 };
    const gpu = await withErrorScopes(device, () => runGpu(device, thetas, count, config, grads, losses, 4));
    const cpu = runCpu(thetas, count, config, grads, losses);
    expect(Array.from(gpu.divergedAt)).toEqual([0, 3, 1, 0]);
    expect(Array.from(cpu.divergedAt)).toEqual([0, 3, 1, 0]);
    // Vector 2 never moved; vector 1 moved for two steps then stopped; 0 and 3 trained throughout.
    expect(Array.from(gpu.thetas.subarray(2 * P, 3 * P - 1))).toEqual(Array.from(thetas.subarray(2 * P, 3 * P - 1)));
    expect(gpu.thetas[2 * P + 129]).toBe(Number.POSITIVE_INFINITY);
    const finite = (a: Float32Array): Float32Array => a.map((v) => (Number.isFinite(v) ? v : 0));
    expect(maxRelative(finite(gpu.thetas), finite(cpu.thetas))).toBeLessThanOrEqual(1e-5);
  });
});
