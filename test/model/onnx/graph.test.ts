/**
 * Reading and rewriting ONNX models, and every kind of model the app refuses, each with a message
 * that names the problem: an unsupported operator, float16 or quantised weights, several inputs, a
 * file over the size limit or cut short; data that does not fit the model's input or output.
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { openOnnxModel } from '../../../src/engine/onnxModel';
import { OnnxError, readOnnxGraph, sameArchitecture } from '../../../src/model/onnx/graph';
import { encodeModel, mlpFixture, node, randomInputs, tensor, valueInfo } from './fixtures';

const { onnx } = onnxProto;

function refuses(bytes: Uint8Array, pattern: RegExp): void {
  let caught: unknown = null;
  try {
    readOnnxGraph(bytes);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(OnnxError);
  expect((caught as Error).message).toMatch(/^onnx: /);
  expect((caught as Error).message).toMatch(pattern);
}

const gemm = (extra: Partial<Parameters<typeof encodeModel>[0]> = {}): Uint8Array =>
  encodeModel({
    nodes: [node('Gemm', ['x', 'W', 'b'], ['y'], { transB: 1 })],
    inits: [tensor('W', [2, 3], [1, 2, 3, 4, 5, 6]), tensor('b', [2], [0.5, -0.5])],
    inputShape: ['N', 3],
    outputShape: ['N', 2],
    ...extra,
  });

describe('reading an ONNX model', () => {
  it('turns float initializers into inputs, in the file order, with their names and kinds', () => {
    const g = readOnnxGraph(gemm());
    expect(g.inputName).toBe('x');
    expect(g.inputShape).toEqual(['N', 3]);
    expect(g.layout.segments.map((s) => [s.name, s.kind, s.shape, s.offset])).toEqual([
      ['W', 'weight', [2, 3], 0],
      ['b', 'bias', [2], 6],
    ]);
    expect(Array.from(g.theta)).toEqual([1, 2, 3, 4, 5, 6, 0.5, -0.5]);
    const rewritten = onnx.ModelProto.decode(g.bytes);
    expect(rewritten.graph?.initializer).toHaveLength(0);
    expect(rewritten.graph?.input?.map((i) => i.name)).toEqual(['x', 'W', 'b']);
  });

  it('keeps integer initializers (shapes of Reshape) as they are', () => {
    const bytes = encodeModel({
      nodes: [node('Reshape', ['x', 'shape'], ['r']), node('Gemm', ['r', 'W'], ['y'], { transB: 1 })],
      inits: [
        onnx.TensorProto.create({ name: 'shape', dims: [2], dataType: 7, int64Data: [-1, 4] }),
        tensor('W', [2, 4], [1, 1, 1, 1, 2, 2, 2, 2]),
      ],
      inputShape: ['N', 2, 2],
      outputShape: ['N', 2],
    });
    const g = readOnnxGraph(bytes);
    expect(g.layout.segments.map((s) => s.name)).toEqual(['W']);
    expect(onnx.ModelProto.decode(g.bytes).graph?.initializer?.map((t) => t.name)).toEqual(['shape']);
  });

  it('refuses what it cannot use, naming it', () => {
    refuses(new Uint8Array(0), /empty/);
    expect(() => readOnnxGraph(gemm(), 10)).toThrow(/more than the limit of 10 bytes/);
    refuses(gemm().slice(0, 30), /not a readable ONNX model|no graph|cut short/);
    refuses(
      encodeModel({
        nodes: [node('NonMaxSuppression', ['x'], ['y'])],
        inits: [tensor('W', [1], [1])],
        inputShape: ['N', 2],
        outputShape: ['N', 2],
      }),
      /operator NonMaxSuppression .* is not supported; supported: .*Conv/,
    );
    refuses(
      encodeModel({
        nodes: [node('Gemm', ['x', 'W'], ['y'], { transB: 1 })],
        inits: [onnx.TensorProto.create({ name: 'W', dims: [2, 2], dataType: 10, int32Data: [1, 2, 3, 4] })],
        inputShape: ['N', 2],
        outputShape: ['N', 2],
      }),
      /"W" is float16: export the model in float32/,
    );
    refuses(
      encodeModel({
        nodes: [node('DequantizeLinear', ['q', 's'], ['w']), node('MatMul', ['x', 'w'], ['y'])],
        inits: [tensor('s', [1], [0.1])],
        inputShape: ['N', 2],
        outputShape: ['N', 2],
      }),
      /quantised models are not supported \(operator DequantizeLinear\)/,
    );
    refuses(gemm({ inputs: [valueInfo('x', ['N', 3]), valueInfo('mask', ['N', 3])] }), /2 graph inputs \(x, mask\); one data input/);
    refuses(gemm({ inputs: [valueInfo('x', ['N', 3], 10)] }), /input "x" is float16/);
    refuses(
      encodeModel({
        nodes: [node('BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['y'], { training_mode: 1 })],
        inits: ['s', 'b', 'm', 'v'].map((n) => tensor(n, [2], [1, 1])),
        inputShape: ['N', 2],
        outputShape: ['N', 2],
      }),
      /training mode; export with model.eval\(\)/,
    );
    refuses(
      encodeModel({ nodes: [node('Relu', ['x'], ['y'])], inits: [], inputShape: ['N', 2], outputShape: ['N', 2] }),
      /no float32 initializers/,
    );
  });

  it('tells checkpoints of different architectures apart', () => {
    const a = readOnnxGraph(mlpFixture(3, 4, 2, 1).bytes).layout;
    expect(sameArchitecture(a, readOnnxGraph(mlpFixture(3, 4, 2, 2).bytes).layout)).toBeNull();
    expect(sameArchitecture(a, readOnnxGraph(mlpFixture(3, 5, 2, 1).bytes).layout)).toMatch(
      /"fc1.weight" \[4, 3\] in one and "fc1.weight" \[5, 3\]/,
    );
  });

  it('data that does not fit: the expected shape is named; labels out of range; a loss that does not fit', async () => {
    const f = mlpFixture(4, 3, 3, 5);
    const m = 6;
    const x = randomInputs(f, m, 1);
    const good = { m, x, xShape: [m, 4], targets: { m, y: Float32Array.from([0, 1, 2, 0, 1, 2]), width: 1, integer: true } };
    await expect(openOnnxModel({ name: 'f.onnx', onnx: f.bytes, data: { ...good, xShape: [m, 2, 2] } })).rejects.toThrow(
      /input "x" has shape \[N, 4\]; the data's x has shape \(6, 2, 2\) — save x with shape \(N, 4\)/,
    );
    await expect(
      openOnnxModel({
        name: 'f.onnx',
        onnx: f.bytes,
        data: { ...good, targets: { ...good.targets, y: Float32Array.from([0, 1, 2, 3, 1, 2]) } },
      }),
    ).rejects.toThrow(/y\[3\] = 3 is not a class index in 0…2 \(the model has 3 outputs\)/);
    await expect(openOnnxModel({ name: 'f.onnx', onnx: f.bytes, data: good, loss: 'bce' })).rejects.toThrow(/bce needs one output/);
    await expect(openOnnxModel({ name: 'f.onnx', onnx: f.bytes, data: good, loss: 'mse' })).rejects.toThrow(
      /mse compares y with the outputs/,
    );
  });
});
