/**
 * Every operator on the allowlist (SUPPORTED_OPS) runs in one small graph on the wasm provider and
 * matches a hand-written forward pass: pools, reshape, matmul, the pointwise ops, Constant, Identity,
 * Dropout (inference: identity). Gemm, Conv, BatchNormalization, Relu, Add, Flatten and
 * GlobalAveragePool are checked by test/engine/onnxModel.test.ts, the shape arithmetic and attention
 * operators by transformerOps.test.ts.
 */
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { openOnnxModel, type OnnxModel } from '../../../src/engine/onnxModel';
import { SUPPORTED_OPS } from '../../../src/model/onnx/graph';
import { Rng } from '../../../src/model/rng';
import { encodeModel, node, tensor } from './fixtures';

const { onnx } = onnxProto;
const opened: OnnxModel[] = [];
afterAll(async () => {
  for (const m of opened) await m.dispose();
});

describe('the operator allowlist', () => {
  it('pools, Reshape, MatMul, Tanh, Mul, Sub, Sigmoid, Div, LeakyRelu, Constant, Identity, Dropout match the CPU', async () => {
    const rng = new Rng(3);
    const W = Float32Array.from({ length: 12 }, () => rng.normal());
    const scale = Float32Array.from({ length: 3 }, () => 1 + rng.normal() * 0.2);
    const shift = Float32Array.from({ length: 3 }, () => rng.normal() * 0.1);
    const bytes = encodeModel({
      nodes: [
        node('MaxPool', ['x'], ['mp'], { kernel_shape: [2, 2], strides: [2, 2] }),
        node('AveragePool', ['x'], ['ap'], { kernel_shape: [2, 2], strides: [2, 2] }),
        node('Add', ['mp', 'ap'], ['s']),
        node('Reshape', ['s', 'shape'], ['r']),
        node('MatMul', ['r', 'W'], ['h']),
        node('Tanh', ['h'], ['t']),
        node('Mul', ['t', 'scale'], ['u']),
        node('Sub', ['u', 'shift'], ['v']),
        node('Sigmoid', ['v'], ['g']),
        onnx.NodeProto.create({
          opType: 'Constant',
          name: 'two',
          output: ['two'],
          attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: tensor('two_value', [], [2]) }],
        }),
        node('Div', ['g', 'two'], ['d']),
        node('LeakyRelu', ['d'], ['l'], { alpha: 0.1 }),
        node('Identity', ['l'], ['i']),
        node('Dropout', ['i'], ['y']),
      ],
      inits: [
        onnx.TensorProto.create({ name: 'shape', dims: [2], dataType: 7, int64Data: [-1, 4] }),
        tensor('W', [4, 3], W),
        tensor('scale', [3], scale),
        tensor('shift', [3], shift),
      ],
      inputShape: ['N', 1, 4, 4],
      outputShape: ['N', 3],
    });
    const m = 9;
    const x = Float32Array.from({ length: m * 16 }, () => rng.normal());
    const y = Float32Array.from({ length: m * 3 }, () => rng.uniform());
    const model = await openOnnxModel({
      name: 'ops.onnx',
      onnx: bytes,
      data: { m, x, xShape: [m, 1, 4, 4], targets: { m, y, width: 3, integer: false } },
    });
    opened.push(model);
    expect(model.loss).toBe('mse');
    expect(model.layout.segments.map((s) => `${s.name}:${s.kind}`)).toEqual(['W:weight', 'scale:bias', 'shift:bias']);
    let sum = 0;
    for (let n = 0; n < m; n++) {
      const img = (i: number, j: number): number => x[n * 16 + i * 4 + j] ?? 0;
      const pooled: number[] = [];
      for (const [bi, bj] of [
        [0, 0],
        [0, 2],
        [2, 0],
        [2, 2],
      ] as const) {
        const cells = [img(bi, bj), img(bi, bj + 1), img(bi + 1, bj), img(bi + 1, bj + 1)];
        pooled.push(Math.max(...cells) + cells.reduce((p, q) => p + q, 0) / 4);
      }
      for (let k = 0; k < 3; k++) {
        let h = 0;
        for (let i = 0; i < 4; i++) h += (pooled[i] ?? 0) * (W[i * 3 + k] ?? 0);
        const v = Math.tanh(h) * (scale[k] ?? 0) - (shift[k] ?? 0);
        const d = 1 / (1 + Math.exp(-v)) / 2;
        const out = d >= 0 ? d : 0.1 * d;
        sum += (out - (y[n * 3 + k] ?? 0)) ** 2;
      }
    }
    const got = await model.evaluate(model.initialTheta(0));
    expect(Math.abs(got.loss - sum / (m * 3))).toBeLessThanOrEqual(1e-6);
    // Every operator of the allowlist is exercised by this file or the engine's ONNX test.
    const here = [
      'MaxPool',
      'AveragePool',
      'Add',
      'Reshape',
      'MatMul',
      'Tanh',
      'Mul',
      'Sub',
      'Sigmoid',
      'Constant',
      'Div',
      'LeakyRelu',
      'Identity',
      'Dropout',
    ];
    const engineTest = ['Gemm', 'Conv', 'BatchNormalization', 'Relu', 'Flatten', 'GlobalAveragePool'];
    const transformerTest = [
      'LayerNormalization',
      'Transpose',
      'Softmax',
      'Erf',
      'Pow',
      'ReduceMean',
      'Sqrt',
      'Slice',
      'Shape',
      'Gather',
      'Unsqueeze',
      'Concat',
      'Squeeze',
      'Clip',
      'LogSoftmax',
      'Cast',
    ];
    expect([...SUPPORTED_OPS].sort()).toEqual([...new Set([...here, ...engineTest, ...transformerTest])].sort());
  });
});
