/**
 * CurveStepKernel (curvePoints.wgsl + curveGradient.wgsl) against its CPU twin curveStep.cpu.ts on
 * random shapes: several steps per submission, each reading its own uniform slot and its own rows
 * of coefficients at coeffOffset, writing its mean loss at stepIndex of the history.
 */
import { describe, expect, it } from 'vitest';
import { curveGradientCpu, curvePointsCpu } from '../../src/gpu/curveStep.cpu';
import { CurveStepKernel, type CurveBuffers } from '../../src/gpu/curveStep.gpu';
import { Rng } from '../../src/model/rng';
import { nodeGpu, withErrorScopes } from './nodeGpu';

interface StepInput {
  /** Where this step's K × (n + 2) coefficients start in the coefficient buffer (in floats). */
  readonly coeffOffset: number;
  readonly stepIndex: number;
  readonly weightDecay: number;
}

interface Config {
  readonly P: number;
  readonly K: number;
  readonly n: number;
  /** All steps' coefficients, with unused rows between them. */
  readonly coeffs: Float32Array;
  readonly endpoints: Float32Array;
  readonly bends: Float32Array;
  readonly grads: Float32Array;
  readonly losses: Float32Array;
  readonly steps: readonly StepInput[];
  readonly historyLength: number;
}

interface StepOutput {
  readonly points: Float32Array;
  readonly bendGrads: Float32Array;
}

function randomConfig(rng: Rng, index: number): Config {
  const P = 1 + rng.int(index % 3 === 0 ? 300 : 40);
  const K = 1 + rng.int(12);
  const n = 1 + rng.int(4);
  const width = n + 2;
  const stepCount = 1 + rng.int(3);
  // Each step's rows start after the previous ones, with a random gap, so offsets are not 0, K·width, ….
  const steps: StepInput[] = [];
  let offset = rng.int(5);
  const historyLength = stepCount + rng.int(6);
  // Distinct history slots in random order (Fisher–Yates).
  const slots = Array.from({ length: historyLength }, (_, i) => i);
  for (let i = slots.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [slots[i], slots[j]] = [slots[j] ?? j, slots[i] ?? i];
  }
  for (let s = 0; s < stepCount; s++) {
    steps.push({ coeffOffset: offset, stepIndex: slots[s] ?? s, weightDecay: s % 2 === 0 ? rng.range(0, 0.1) : 0 });
    offset += K * width + rng.int(7);
  }
  const values = (length: number, scale: number): Float32Array => new Float32Array(length).map(() => rng.range(-scale, scale));
  return {
    P,
    K,
    n,
    steps,
    historyLength,
    coeffs: values(offset, 1.5),
    endpoints: values(2 * P, 2),
    bends: values(n * P, 2),
    grads: values(K * P, 3),
    losses: new Float32Array(K).map(() => rng.range(0, 4)),
  };
}

/** The configuration's steps on the GPU in one submission; points and bend gradients copied out after each. */
async function runGpu(device: GPUDevice, c: Config): Promise<{ steps: StepOutput[]; meanLoss: number; history: Float32Array }> {
  const made: GPUBuffer[] = [];
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const buffer = (label: string, bytes: number, data?: Float32Array): GPUBuffer => {
    const b = device.createBuffer({ label: `test.curveStep.${label}`, size: Math.max(16, bytes), usage: storage });
    made.push(b);
    if (data) device.queue.writeBuffer(b, 0, data.slice());
    return b;
  };
  const pointBytes = c.K * c.P * 4;
  const bendBytes = c.n * c.P * 4;
  const buffers: CurveBuffers = {
    coeffs: buffer('coeffs', c.coeffs.byteLength, c.coeffs),
    endpoints: buffer('endpoints', c.endpoints.byteLength, c.endpoints),
    bends: buffer('bends', c.bends.byteLength, c.bends),
    points: buffer('points', pointBytes),
    grads: buffer('grads', c.grads.byteLength, c.grads),
    losses: buffer('losses', c.losses.byteLength, c.losses),
    bendGrads: buffer('bendGrads', bendBytes),
    meanLoss: buffer('meanLoss', 4),
    history: buffer('history', c.historyLength * 4, new Float32Array(c.historyLength).fill(-1)),
  };
  const stepCount = c.steps.length;
  const pointsOut = buffer('pointsOut', stepCount * pointBytes);
  const bendGradsOut = buffer('bendGradsOut', stepCount * bendBytes);
  const kernel = new CurveStepKernel(device, c.P, c.K, c.n, 4);
  try {
    const encoder = device.createCommandEncoder({ label: 'test.curveStep' });
    c.steps.forEach((step, s) => {
      const offset = kernel.pushStep(step);
      kernel.encodePoints(encoder, buffers, offset);
      encoder.copyBufferToBuffer(buffers.points, 0, pointsOut, s * pointBytes, pointBytes);
      kernel.encodeGradient(encoder, buffers, offset);
      encoder.copyBufferToBuffer(buffers.bendGrads, 0, bendGradsOut, s * bendBytes, bendBytes);
    });
    device.queue.submit([encoder.finish()]);
    kernel.submitted();
    const read = async (src: GPUBuffer, bytes: number): Promise<Float32Array> => {
      const rb = device.createBuffer({
        label: 'test.curveStep.readback',
        size: Math.max(16, bytes),
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      made.push(rb);
      const enc = device.createCommandEncoder({ label: 'test.curveStep.readback' });
      enc.copyBufferToBuffer(src, 0, rb, 0, bytes);
      device.queue.submit([enc.finish()]);
      await rb.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(rb.getMappedRange().slice(0, bytes));
      rb.unmap();
      return out;
    };
    const points = await read(pointsOut, stepCount * pointBytes);
    const bendGrads = await read(bendGradsOut, stepCount * bendBytes);
    const meanLoss = (await read(buffers.meanLoss, 4))[0] ?? Number.NaN;
    const history = await read(buffers.history, c.historyLength * 4);
    return {
      steps: c.steps.map((_, s) => ({
        points: points.slice(s * c.K * c.P, (s + 1) * c.K * c.P),
        bendGrads: bendGrads.slice(s * c.n * c.P, (s + 1) * c.n * c.P),
      })),
      meanLoss,
      history,
    };
  } finally {
    kernel.dispose();
    kernel.dispose();
    for (const b of made) b.destroy();
  }
}

/**
 * Worst |gpu − cpu| relative to the sum of the magnitudes of the terms (the same formula on |x|):
 * the bound an f32 sum of a few terms meets with room to spare, and meaningful where terms cancel.
 */
function worstRelative(gpu: ArrayLike<number>, cpu: ArrayLike<number>, magnitude: ArrayLike<number>): number {
  expect(gpu.length).toBe(cpu.length);
  let worst = 0;
  for (let i = 0; i < cpu.length; i++) {
    const scale = Math.max(magnitude[i] ?? Number.NaN, 1e-30);
    worst = Math.max(worst, Math.abs((gpu[i] ?? Number.NaN) - (cpu[i] ?? Number.NaN)) / scale);
  }
  return worst;
}

const abs = (values: Float32Array): Float32Array => values.map(Math.abs);

describe('curve-step kernel against its CPU twin', () => {
  it('agrees on 10 random shapes, several steps per submission (relative 1e-4 of the term magnitudes)', async () => {
    const { device } = await nodeGpu();
    const rng = new Rng(4711);
    for (let index = 0; index < 10; index++) {
      const c = randomConfig(rng, index);
      const label = `config ${index}: P=${c.P} K=${c.K} n=${c.n} steps=${JSON.stringify(c.steps)}`;
      const gpu = await withErrorScopes(device, () => runGpu(device, c));
      const width = c.n + 2;
      const expectedHistory = new Float32Array(c.historyLength).fill(-1);
      let lastMean = Number.NaN;
      c.steps.forEach((step, s) => {
        const coeffs = c.coeffs.subarray(step.coeffOffset, step.coeffOffset + c.K * width);
        const points = curvePointsCpu(coeffs, c.endpoints, c.bends, c.K);
        const pointScale = curvePointsCpu(abs(coeffs), abs(c.endpoints), abs(c.bends), c.K);
        const { bendGrads, meanLoss } = curveGradientCpu(coeffs, c.grads, c.losses, c.bends, c.K, step.weightDecay);
        const gradScale = curveGradientCpu(abs(coeffs), abs(c.grads), c.losses, abs(c.bends), c.K, step.weightDecay).bendGrads;
        const out = gpu.steps[s];
        if (!out) throw new Error(`${label}: no GPU output for step ${s}`);
        expect(worstRelative(out.points, points, pointScale), `${label}, step ${s}: points`).toBeLessThanOrEqual(1e-4);
        expect(worstRelative(out.bendGrads, bendGrads, gradScale), `${label}, step ${s}: bend gradient`).toBeLessThanOrEqual(1e-4);
        expectedHistory[step.stepIndex] = meanLoss;
        lastMean = meanLoss;
      });
      // Losses are ≥ 0, so the magnitudes of the mean's terms sum to the mean itself.
      expect(Math.abs(gpu.meanLoss - lastMean) / lastMean, `${label}: mean loss`).toBeLessThanOrEqual(1e-4);
      // Slots no step wrote keep their −1; the others hold their step's mean loss.
      expect(worstRelative(gpu.history, expectedHistory, expectedHistory.map(Math.abs)), `${label}: history`).toBeLessThanOrEqual(1e-4);
    }
  });

  it('the twin checks its shapes', () => {
    const coeffs = new Float32Array(2 * 3); // K = 2 rows of n + 2 = 3
    expect(() => curvePointsCpu(coeffs, new Float32Array(8), new Float32Array(4), 2)).not.toThrow();
    expect(() => curvePointsCpu(coeffs, new Float32Array(8), new Float32Array(5), 2)).toThrow(/bend parameters/);
    expect(() => curvePointsCpu(coeffs, new Float32Array(8), new Float32Array(4), 4)).toThrow(/coefficients/);
    expect(() => curveGradientCpu(coeffs, new Float32Array(8), new Float32Array(3), new Float32Array(4), 2, 0)).toThrow(/losses/);
  });
});
