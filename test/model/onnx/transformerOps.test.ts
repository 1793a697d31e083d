/**
 * The operators of PyTorch's shape arithmetic and of a small attention block, in one graph on the wasm
 * provider, against a forward pass written out here: LayerNormalization, MatMul (x·W, weights stored
 * [inputs, outputs]), Transpose, Softmax, Erf (GELU), Pow, ReduceMean, Sqrt, Slice, Shape → Gather →
 * Unsqueeze → Concat → Reshape (x.view(x.size(0), -1)), Squeeze, Concat, Clip, LogSoftmax, Cast.
 * Then: an [inputs, outputs] weight is filter-normalised per output (a column), and a direction file
 * holding PyTorch's [outputs, inputs] parameter is transposed onto it.
 */
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { openOnnxModel, type OnnxModel } from '../../../src/engine/onnxModel';
import { directionsFromFile } from '../../../src/engine/ownModel';
import { randomDirection } from '../../../src/landscape/directions';
import { elementCount } from '../../../src/model/layout';
import { Rng } from '../../../src/model/rng';
import { encodeModel, node, tensor } from './fixtures';

const { onnx } = onnxProto;
const opened: OnnxModel[] = [];
afterAll(async () => {
  for (const m of opened) await m.dispose();
});

const T = 3;
const D = 4;
const C = 3;

const constant = (name: string, value: number): InstanceType<typeof onnx.NodeProto> =>
  onnx.NodeProto.create({
    opType: 'Constant',
    name,
    output: [name],
    attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: tensor(`${name}_value`, [], [value]) }],
  });
const ints = (name: string, dims: number[], values: number[]): InstanceType<typeof onnx.TensorProto> =>
  onnx.TensorProto.create({ name, dims, dataType: 7, int64Data: values });

/** erf by its Taylor series (|x| < 3) or its asymptotic value: far below float32's precision. */
function erf(x: number): number {
  if (Math.abs(x) >= 3) return Math.sign(x) * (1 - Math.exp(-x * x) / (Math.abs(x) * Math.sqrt(Math.PI)));
  let sum = 0;
  let term = x;
  for (let n = 0; n < 60; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

interface Weights {
  gamma: Float32Array;
  beta: Float32Array;
  wq: Float32Array;
  wk: Float32Array;
  wv: Float32Array;
  wo: Float32Array;
}

/** The graph's output for one sample x (T × D, row-major). */
function forward(w: Weights, x: Float32Array): number[] {
  const at = (a: ArrayLike<number>, i: number): number => a[i] ?? NaN;
  const ln: number[][] = [];
  for (let t = 0; t < T; t++) {
    const row = Array.from({ length: D }, (_, j) => at(x, t * D + j));
    const mean = row.reduce((p, q) => p + q, 0) / D;
    const variance = row.reduce((p, q) => p + (q - mean) ** 2, 0) / D;
    ln.push(row.map((v, j) => ((v - mean) / Math.sqrt(variance + 1e-5)) * at(w.gamma, j) + at(w.beta, j)));
  }
  const mm = (a: number[][], W: Float32Array, outs: number): number[][] =>
    a.map((row) => Array.from({ length: outs }, (_, o) => row.reduce((s, v, i) => s + v * at(W, i * outs + o), 0)));
  const q = mm(ln, w.wq, D);
  const k = mm(ln, w.wk, D);
  const v = mm(ln, w.wv, D);
  const g: number[][] = [];
  for (let t = 0; t < T; t++) {
    const scores = k.map((kr) => kr.reduce((s, kv, o) => s + (q[t]?.[o] ?? NaN) * kv, 0) / 2);
    const top = Math.max(...scores);
    const e = scores.map((s) => Math.exp(s - top));
    const z = e.reduce((p, c) => p + c, 0);
    const r = Array.from({ length: D }, (_, j) => e.reduce((s, ev, u) => s + (ev / z) * (v[u]?.[j] ?? NaN), 0) + at(x, t * D + j));
    g.push(r.map((rv) => rv * 0.5 * (1 + erf(rv / Math.SQRT2))));
  }
  const gn = g.map((row) => {
    const rms = Math.sqrt(row.reduce((s, c) => s + c ** 2, 0) / D + 1e-6);
    return row.map((c) => c / rms);
  });
  const sl = gn.slice(0, 2);
  const flat = sl.flat();
  const pooled = Array.from({ length: D }, (_, j) => ((sl[0]?.[j] ?? NaN) + (sl[1]?.[j] ?? NaN)) / 2);
  const features = [...flat, ...pooled];
  const logits = Array.from({ length: C }, (_, c) =>
    Math.min(
      1.5,
      Math.max(
        -1.5,
        features.reduce((s, f, i) => s + f * at(w.wo, i * C + c), 0),
      ),
    ),
  );
  const top = Math.max(...logits);
  const lse = top + Math.log(logits.reduce((s, l) => s + Math.exp(l - top), 0));
  return logits.map((l) => l - lse);
}

function attentionModel(w: Weights): Uint8Array {
  return encodeModel({
    nodes: [
      node('LayerNormalization', ['x', 'ln.weight', 'ln.bias'], ['ln'], { axis: -1, epsilon: 1e-5 }),
      node('MatMul', ['ln', 'q.weight'], ['q']),
      node('MatMul', ['ln', 'k.weight'], ['k']),
      node('MatMul', ['ln', 'v.weight'], ['v']),
      node('Transpose', ['k'], ['kt'], { perm: [0, 2, 1] }),
      node('MatMul', ['q', 'kt'], ['scores']),
      constant('two', 2),
      node('Div', ['scores', 'two'], ['scaled']),
      node('Softmax', ['scaled'], ['p'], { axis: -1 }),
      node('MatMul', ['p', 'v'], ['o']),
      node('Add', ['o', 'x'], ['r']),
      constant('sqrt2', Math.SQRT2),
      constant('one', 1),
      constant('half', 0.5),
      node('Div', ['r', 'sqrt2'], ['rs']),
      node('Erf', ['rs'], ['erf']),
      node('Add', ['erf', 'one'], ['erf1']),
      node('Mul', ['r', 'erf1'], ['g0']),
      node('Mul', ['g0', 'half'], ['g']),
      node('Pow', ['g', 'two'], ['g2']),
      node('ReduceMean', ['g2'], ['ms'], { axes: [2], keepdims: 1 }),
      constant('eps', 1e-6),
      node('Add', ['ms', 'eps'], ['mse']),
      node('Sqrt', ['mse'], ['rms']),
      node('Div', ['g', 'rms'], ['gn']),
      node('Slice', ['gn', 'starts', 'ends', 'axes1'], ['sl']),
      node('Shape', ['sl'], ['shape']),
      node('Gather', ['shape', 'zero'], ['batch'], { axis: 0 }),
      node('Unsqueeze', ['batch', 'axes0'], ['batch1']),
      node('Concat', ['batch1', 'minus1'], ['flatShape'], { axis: 0 }),
      node('Reshape', ['sl', 'flatShape'], ['flat']),
      node('ReduceMean', ['sl'], ['pooled3'], { axes: [1], keepdims: 1 }),
      node('Squeeze', ['pooled3', 'axes1'], ['pooled']),
      node('Concat', ['flat', 'pooled'], ['features'], { axis: 1 }),
      node('MatMul', ['features', 'out.weight'], ['logits']),
      constant('lo', -1.5),
      constant('hi', 1.5),
      node('Clip', ['logits', 'lo', 'hi'], ['clipped']),
      node('LogSoftmax', ['clipped'], ['ls'], { axis: -1 }),
      node('Cast', ['ls'], ['y'], { to: 1 }),
    ],
    inits: [
      tensor('ln.weight', [D], w.gamma),
      tensor('ln.bias', [D], w.beta),
      tensor('q.weight', [D, D], w.wq),
      tensor('k.weight', [D, D], w.wk),
      tensor('v.weight', [D, D], w.wv),
      tensor('out.weight', [3 * D, C], w.wo),
      ints('starts', [1], [0]),
      ints('ends', [1], [2]),
      ints('axes1', [1], [1]),
      ints('zero', [], [0]),
      ints('axes0', [1], [0]),
      ints('minus1', [1], [-1]),
    ],
    inputShape: ['N', T, D],
    outputShape: ['N', C],
  });
}

describe('shape arithmetic and attention operators', () => {
  it('match a forward pass written out by hand; x·W weights are filter-normalised per output and read transposed from PyTorch', async () => {
    const rng = new Rng(11);
    const randn = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * scale);
    const w: Weights = {
      gamma: Float32Array.from({ length: D }, () => 1 + rng.normal() * 0.2),
      beta: randn(D, 0.1),
      wq: randn(D * D, 0.7),
      wk: randn(D * D, 0.7),
      wv: randn(D * D, 0.7),
      wo: randn(3 * D * C, 0.6),
    };
    const m = 7;
    const x = randn(m * T * D, 1);
    const y = Float32Array.from({ length: m * C }, () => rng.normal());
    const model = await openOnnxModel({
      name: 'attention.onnx',
      onnx: attentionModel(w),
      data: { m, x, xShape: [m, T, D], targets: { m, y, width: C, integer: false } },
    });
    opened.push(model);
    expect(model.loss).toBe('mse');
    expect(model.layout.segments.map((s) => `${s.name}:${s.kind}:${s.outputAxis ?? 0}`)).toEqual([
      'ln.weight:norm:0',
      'ln.bias:norm:0',
      'q.weight:weight:1',
      'k.weight:weight:1',
      'v.weight:weight:1',
      'out.weight:weight:1',
    ]);
    let sum = 0;
    for (let n = 0; n < m; n++) {
      const out = forward(w, x.subarray(n * T * D, (n + 1) * T * D));
      out.forEach((o, c) => (sum += (o - (y[n * C + c] ?? NaN)) ** 2));
    }
    const theta = model.initialTheta(0);
    const got = await model.evaluate(theta);
    expect(Math.abs(got.loss - sum / (m * C))).toBeLessThanOrEqual(1e-5 * Math.max(1, sum / (m * C)));

    // Filter normalisation: each output column of out.weight ([12, 3]) has θ₀'s column norm.
    const out = model.layout.segments[5];
    if (out === undefined) throw new Error('no out.weight segment');
    const d = randomDirection(model.layout, theta, 5, { filterNormalize: true, keepBias: false });
    for (let c = 0; c < C; c++) {
      let dn = 0;
      let tn = 0;
      for (let i = 0; i < 3 * D; i++) {
        dn += (d[out.offset + i * C + c] ?? NaN) ** 2;
        tn += (theta[out.offset + i * C + c] ?? NaN) ** 2;
      }
      expect(Math.sqrt(dn)).toBeCloseTo(Math.sqrt(tn), 4);
    }
    // LayerNorm's scale and shift are not moved by default (loss-landscape's biasbn).
    expect(Array.from(d.subarray(0, 2 * D)).every((v) => v === 0)).toBe(true);

    // A direction file holds PyTorch's parameters: nn.Linear weights [outputs, inputs], read transposed.
    const pytorch = model.layout.segments.map((s) => {
      const shape = s.outputAxis === 1 ? [s.shape[1] ?? 0, s.shape[0] ?? 0] : [...s.shape];
      return { shape, values: Float32Array.from({ length: elementCount(shape) }, (_, i) => i) };
    });
    const { directionX } = directionsFromFile(model, { x: pytorch, y: pytorch });
    // out.weight[i][c] (graph) = PyTorch's out.weight[c][i] = c·12 + i.
    for (let i = 0; i < 3 * D; i++) for (let c = 0; c < C; c++) expect(directionX[out.offset + i * C + c]).toBe(c * 3 * D + i);
  });
});
