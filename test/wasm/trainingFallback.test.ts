/**
 * Where the SIMD engine cannot run (here: its gradient session refuses, as without WebAssembly SIMD), the
 * CPU trainings take their gradients from the float64 twin: never a failed training for that.
 */
import { describe, expect, it, vi } from 'vitest';
import { makeDataset } from '../../src/data/generators';
import { initParams } from '../../src/model/init';
import type { MlpSpec } from '../../src/model/spec';
import { trainAdamCpu, trainAdamWith } from '../../src/train/trainCpu';
import { fastGradientSource } from '../../src/wasm/gradientFast';
import { cpuEngineUnavailable } from '../../src/wasm/lossGridFast';

vi.mock('../../src/wasm/cpuEngine', async (original) => ({
  ...(await original<typeof import('../../src/wasm/cpuEngine')>()),
  gradientSessionWasm: () => Promise.reject(new Error('WebAssembly SIMD is not supported here')),
}));

describe('CPU training without the SIMD engine', () => {
  it('falls back to the float64 twin, says why once, and trains as trainAdamCpu does', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const spec: MlpSpec = { inputs: 2, hidden: [8], outputs: 1, activation: 'tanh', loss: 'bce', bias: true };
    const data = makeDataset('moons', { samples: 40, classes: 2, noise: 0.1, seed: 3 }, 'bce');
    const theta0 = initParams(spec, 2);
    const source = fastGradientSource(spec, data);
    const opts = { steps: 50, learningRate: 0.02 };
    const got = await trainAdamWith(theta0, source, opts);
    expect(source.counts).toEqual({ engine: 0, twin: 51 });
    expect(cpuEngineUnavailable()).toMatch(/SIMD is not supported/);
    expect(warn).toHaveBeenCalledTimes(1);
    // The twin's gradient at θ rounded to float32 (what the engine would get) against trainAdamCpu's float64 θ.
    const want = trainAdamCpu(spec, theta0, data, opts);
    expect(Math.abs(got.finalLoss - want.finalLoss) / want.finalLoss).toBeLessThanOrEqual(1e-5);
    warn.mockRestore();
  });
});
