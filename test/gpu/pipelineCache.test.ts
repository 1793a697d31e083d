import { describe, expect, it } from 'vitest';
import { GradientKernel } from '../../src/gpu/gradient.gpu';
import { gradientCpu } from '../../src/gpu/gradient.cpu';
import { OptimizerKernel } from '../../src/gpu/optimizer.gpu';
import { cachedPipelineCount, cachedSlotPipeline, PIPELINES_PER_DEVICE } from '../../src/gpu/pipelineCache';
import { initParams } from '../../src/model/init';
import type { MlpSpec } from '../../src/model/spec';
import { nodeGpu } from './nodeGpu';

const SPEC: MlpSpec = { inputs: 2, hidden: [6], outputs: 1, activation: 'tanh', loss: 'bce', bias: true };
const SAMPLES = { m: 12, inputs: 2, x: new Float32Array(24).map((_, i) => Math.sin(i)), y: new Float32Array(12).map((_, i) => i % 2) };

describe('pipeline cache', () => {
  it('a new training kernel reuses the pipelines of the one before, and still computes the same gradient', async () => {
    const { device } = await nodeGpu();
    const theta = initParams(SPEC, 3);
    const first = new GradientKernel(device, SPEC, SAMPLES);
    const a = await first.compute(theta, 1);
    first.dispose();
    new OptimizerKernel(device, theta.length).dispose();
    const kept = cachedPipelineCount(device);
    const second = new GradientKernel(device, SPEC, SAMPLES);
    new OptimizerKernel(device, theta.length).dispose();
    expect(cachedPipelineCount(device)).toBe(kept);
    const b = await second.compute(theta, 1);
    second.dispose();
    expect(Array.from(b.grads)).toEqual(Array.from(a.grads));
    const cpu = gradientCpu(SPEC, SAMPLES, theta, 1);
    b.grads.forEach((g, i) => expect(Math.abs(g - (cpu.grads[i] ?? NaN))).toBeLessThan(1e-4));
    // Another width is another shader: one more forward pipeline.
    new GradientKernel(device, { ...SPEC, hidden: [12] }, SAMPLES).dispose();
    expect(cachedPipelineCount(device)).toBe(kept + 1);
  });

  it('keeps at most PIPELINES_PER_DEVICE, the same objects for the same recipe', async () => {
    const { device } = await nodeGpu();
    const recipe = (n: number) => ({
      label: 'test.cache',
      code: `@compute @workgroup_size(1) fn main() { _ = ${n}u; }`,
      storage: ['storage'] as const,
      constants: {},
    });
    const one = cachedSlotPipeline(device, recipe(0));
    expect(cachedSlotPipeline(device, recipe(0))).toBe(one);
    for (let n = 1; n <= PIPELINES_PER_DEVICE + 4; n++) cachedSlotPipeline(device, recipe(n));
    expect(cachedPipelineCount(device)).toBe(PIPELINES_PER_DEVICE);
    expect(cachedSlotPipeline(device, recipe(0))).not.toBe(one);
  });
});
