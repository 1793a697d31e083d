/**
 * The ONNX model on onnxruntime-web's wasm provider against a hand-written float64 forward pass of the
 * same fixtures: θ₀'s loss, a plane grid, explicit vectors, a path; fixed and free batch axes; each loss.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openOnnxModel, type OnnxData, type OnnxModel } from '../../src/engine/onnxModel';
import { squarePoints } from '../../src/engine/levels';
import { randomDirection } from '../../src/landscape/directions';
import { straightLine } from '../../src/landscape/paths';
import { Rng } from '../../src/model/rng';
import type { LossKind } from '../../src/model/spec';
import { cnnFixture, mlpFixture, randomInputs, type Fixture } from '../model/onnx/fixtures';

const opened: OnnxModel[] = [];
afterAll(async () => {
  for (const m of opened) await m.dispose();
});

function labels(m: number, classes: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: m }, () => rng.int(classes));
}

function dataOf(fixture: Fixture, m: number, y: Float32Array, width: number, integer: boolean): OnnxData {
  return { m, x: randomInputs(fixture, m, 7), xShape: [m, ...fixture.inputShape], targets: { m, y, width, integer } };
}

/** The mean loss and accuracy of the fixture at θ by its CPU forward pass. */
function reference(fixture: Fixture, theta: Float32Array, data: OnnxData, loss: LossKind): { loss: number; accuracy: number } {
  const parts: Float32Array[] = [];
  let offset = 0;
  for (const p of fixture.params) {
    parts.push(theta.subarray(offset, offset + p.values.length));
    offset += p.values.length;
  }
  const rowSize = data.x.length / data.m;
  let sum = 0;
  let correct = 0;
  let outputs = 1;
  for (let i = 0; i < data.m; i++) {
    const out = fixture.forward(parts, data.x.subarray(i * rowSize, (i + 1) * rowSize));
    outputs = out.length;
    const y = data.targets.y;
    if (loss === 'cross_entropy') {
      const mx = Math.max(...out);
      const lse = mx + Math.log(out.reduce((s, v) => s + Math.exp(v - mx), 0));
      const cls = y[i] ?? 0;
      sum += lse - (out[cls] ?? 0);
      if (out.indexOf(mx) === cls) correct++;
    } else if (loss === 'bce') {
      const o = out[0] ?? 0;
      const t = y[i] ?? 0;
      sum += Math.max(o, 0) - o * t + Math.log1p(Math.exp(-Math.abs(o)));
      if ((o > 0 ? 1 : 0) === t) correct++;
    } else {
      out.forEach((v, k) => (sum += (v - (y[i * out.length + k] ?? 0)) ** 2));
    }
  }
  return { loss: sum / (loss === 'mse' ? data.m * outputs : data.m), accuracy: correct / data.m };
}

function thetaOf(fixture: Fixture): Float32Array {
  const all = fixture.params.flatMap((p) => Array.from(p.values));
  return Float32Array.from(all);
}

const close = (a: number, b: number, rel = 1e-5): void => {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));
};

describe('ONNX model on the wasm provider', () => {
  it('a perceptron with cross-entropy: θ₀, a 5² grid and a path match the CPU forward pass', async () => {
    const f = mlpFixture(4, 6, 3, 11);
    const m = 37;
    const data = dataOf(f, m, labels(m, 3, 2), 1, true);
    const model = await openOnnxModel({ name: 'mlp.onnx', onnx: f.bytes, data });
    opened.push(model);
    expect(model.loss).toBe('cross_entropy');
    expect(model.layout.segments.map((s) => [s.name, s.kind])).toEqual([
      ['fc1.weight', 'weight'],
      ['fc1.bias', 'bias'],
      ['fc2.weight', 'weight'],
      ['fc2.bias', 'bias'],
    ]);
    const theta = model.initialTheta(0);
    expect(Array.from(theta)).toEqual(Array.from(thetaOf(f)));
    const at0 = await model.evaluate(theta);
    const ref0 = reference(f, theta, data, 'cross_entropy');
    close(at0.loss, ref0.loss);
    expect(at0.accuracy).toBeCloseTo(ref0.accuracy, 6);

    const dx = randomDirection(model.layout, theta, 3, { filterNormalize: true, keepBias: false });
    const dy = randomDirection(model.layout, theta, 4, { filterNormalize: true, keepBias: false });
    const points = squarePoints({ center: theta, directionX: dx, directionY: dy }, 5, 1);
    const progress: number[] = [];
    const grid = await model.lossGridCpu(points, { onProgress: (p) => progress.push(p) });
    expect(progress.at(-1)).toBe(1);
    for (let iy = 0; iy < 5; iy++)
      for (let ix = 0; ix < 5; ix++) {
        const a = -1 + ix * 0.5;
        const b = -1 + iy * 0.5;
        const t = theta.map((v, i) => v + a * (dx[i] ?? 0) + b * (dy[i] ?? 0));
        close(grid.loss[iy * 5 + ix] ?? NaN, reference(f, t, data, 'cross_entropy').loss, 1e-4);
      }
    const end = theta.map((v, i) => v + (dx[i] ?? 0));
    const [path] = await model.pathsCpu([straightLine(theta, end)], 5);
    close(path?.loss[0] ?? NaN, ref0.loss);
    close(path?.loss[4] ?? NaN, reference(f, end, data, 'cross_entropy').loss, 1e-4);
  });

  it('a residual CNN with BatchNorm: kinds, θ₀ and a 3² grid match the CPU forward pass', async () => {
    const f = cnnFixture(5, 3, 4, 5);
    const m = 23;
    const data = dataOf(f, m, labels(m, 4, 9), 1, true);
    const model = await openOnnxModel({ name: 'cnn.onnx', onnx: f.bytes, data });
    opened.push(model);
    expect(model.layout.segments.map((s) => s.kind)).toEqual([
      'weight',
      'bias',
      'norm',
      'norm',
      'running-stat',
      'running-stat',
      'weight',
      'weight',
      'bias',
    ]);
    const theta = model.initialTheta(0);
    close((await model.evaluate(theta)).loss, reference(f, theta, data, 'cross_entropy').loss);
    const dx = randomDirection(model.layout, theta, 5, { filterNormalize: true, keepBias: true });
    const dy = randomDirection(model.layout, theta, 6, { filterNormalize: true, keepBias: true });
    // Running statistics never move, even with biases kept.
    for (const seg of model.layout.segments.filter((s) => s.kind === 'running-stat'))
      expect(Array.from(dx.subarray(seg.offset, seg.offset + 3)).every((v) => v === 0)).toBe(true);
    const grid = await model.lossGridCpu(squarePoints({ center: theta, directionX: dx, directionY: dy }, 3, 0.8), {});
    for (let k = 0; k < 9; k++) {
      const a = -0.8 + (k % 3) * 0.8;
      const b = -0.8 + Math.floor(k / 3) * 0.8;
      const t = theta.map((v, i) => v + a * (dx[i] ?? 0) + b * (dy[i] ?? 0));
      close(grid.loss[k] ?? NaN, reference(f, t, data, 'cross_entropy').loss, 1e-4);
    }
  });

  it('a fixed batch axis: the last chunk is padded and its padding ignored; mse and bce', async () => {
    const f = mlpFixture(3, 5, 2, 21, 8);
    const m = 21; // chunks of 8, 8 and 5
    const rng = new Rng(4);
    const y = Float32Array.from({ length: m * 2 }, () => rng.normal());
    const data = dataOf(f, m, y, 2, false);
    const model = await openOnnxModel({ name: 'fixed.onnx', onnx: f.bytes, data });
    opened.push(model);
    expect(model.loss).toBe('mse');
    const theta = model.initialTheta(0);
    close((await model.evaluate(theta)).loss, reference(f, theta, data, 'mse').loss);
    const vectors = new Float32Array(theta.length * 2);
    vectors.set(theta);
    vectors.set(
      theta.map((v) => v * 0.5),
      theta.length,
    );
    const r = await model.lossAtCpu(vectors, 2);
    close(
      r.losses[1] ?? NaN,
      reference(
        f,
        theta.map((v) => v * 0.5),
        data,
        'mse',
      ).loss,
    );

    const g = mlpFixture(3, 4, 1, 22);
    const y01 = Float32Array.from({ length: m }, () => rng.int(2));
    const bdata = dataOf(g, m, y01, 1, true);
    const bce = await openOnnxModel({ name: 'bce.onnx', onnx: g.bytes, data: bdata });
    opened.push(bce);
    expect(bce.loss).toBe('bce');
    const bt = bce.initialTheta(0);
    const got = await bce.evaluate(bt);
    const want = reference(g, bt, bdata, 'bce');
    close(got.loss, want.loss);
    expect(got.accuracy).toBeCloseTo(want.accuracy, 6);
  });

  it('a subsample evaluates the same model on fewer samples', async () => {
    const f = mlpFixture(4, 6, 3, 12);
    const m = 40;
    const data = dataOf(f, m, labels(m, 3, 3), 1, true);
    const model = await openOnnxModel({ name: 'mlp.onnx', onnx: f.bytes, data, loss: 'cross_entropy' });
    opened.push(model);
    const sub = model.subsample(10, 1);
    expect(sub.sampleCount).toBe(10);
    const r = await sub.evaluate(model.initialTheta(0));
    expect(Number.isFinite(r.loss)).toBe(true);
  });
});
