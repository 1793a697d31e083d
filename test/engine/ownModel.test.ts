/**
 * The own-model flow in Node: a loss-landscape direction file matched to a CNN's parameters by order
 * and shape (BatchNorm running statistics skipped and never moved), mismatches named; three checkpoints
 * give the plane through A, the bend and B with the line and the chain evaluated at 61 points.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/engine/cpuBackend';
import { openOnnxModel, type OnnxData } from '../../src/engine/onnxModel';
import { directionsFromFile, openOwnModel, ownModelView } from '../../src/engine/ownModel';
import { Engine } from '../../src/engine/pipeline';
import { elementCount } from '../../src/model/layout';
import { Rng } from '../../src/model/rng';
import { cnnFixture, mlpFixture, randomInputs } from '../model/onnx/fixtures';

const engine = new Engine({ gpu: null, cpu: () => cpuBackend('onnxruntime-web (wasm)') });
afterAll(() => engine.dispose());

function data(inputShape: number[], m: number, classes: number, seed: number, fixture: Parameters<typeof randomInputs>[0]): OnnxData {
  const rng = new Rng(seed);
  const y = Float32Array.from({ length: m }, () => rng.int(classes));
  return { m, x: randomInputs(fixture, m, seed), xShape: [m, ...inputShape], targets: { m, y, width: 1, integer: true } };
}

describe('own model flow', () => {
  it('matches a direction file to the parameters by order and shape, skipping running statistics', async () => {
    const f = cnnFixture(4, 2, 3, 7);
    const model = await openOnnxModel({ name: 'cnn.onnx', onnx: f.bytes, data: data([1, 4, 4], 10, 3, 1, f) });
    const params = model.layout.segments.filter((s) => s.kind !== 'running-stat');
    expect(params).toHaveLength(7);
    const tensors = (fill: number) =>
      params.map((s) => ({ shape: [...s.shape], values: new Float32Array(elementCount(s.shape)).fill(fill) }));
    const { directionX, directionY } = directionsFromFile(model, { x: tensors(1), y: tensors(2) });
    for (const seg of model.layout.segments) {
      const part = Array.from(directionX.subarray(seg.offset, seg.offset + elementCount(seg.shape)));
      expect(part.every((v) => v === (seg.kind === 'running-stat' ? 0 : 1))).toBe(true);
    }
    expect(directionY[0]).toBe(2);
    expect(() => directionsFromFile(model, { x: tensors(1).slice(1), y: tensors(2) })).toThrow(
      /xdirection has 6 tensors; the model has 7 parameters/,
    );
    const wrong = tensors(1);
    wrong[1] = { shape: [5], values: new Float32Array(5) };
    expect(() => directionsFromFile(model, { x: wrong, y: tensors(2) })).toThrow(
      /xdirection\/1 has shape \[5\]; parameter 1 of the model, "conv1.bias", has shape \[2\]/,
    );
    await model.dispose();
  });

  it('three checkpoints: A at (0, 0), B at (1, 0), the bend marked; line and chain at 61 points', async () => {
    const fs = [mlpFixture(3, 4, 2, 1), mlpFixture(3, 4, 2, 2), mlpFixture(3, 4, 2, 3)];
    const own = await openOwnModel(
      fs.map((f, i) => ({ name: `c${i}.onnx`, bytes: f.bytes })),
      data([3], 12, 2, 4, fs[0] as Parameters<typeof randomInputs>[0]),
    );
    expect(own.files.map((f) => f.sha256)).toHaveLength(3);
    expect(new Set(own.files.map((f) => f.sha256)).size).toBe(3);
    const warnings: string[] = [];
    const view = await ownModelView(
      engine,
      own,
      { seed: 1, filterNormalize: true, keepBias: false, gridSize: 7, span: 1 },
      null,
      new AbortController().signal,
      () => undefined,
      warnings,
    );
    expect(view.kind).toBe('path');
    if (view.kind !== 'path') return;
    expect(view.lineLoss).toHaveLength(61);
    expect(view.chainLoss).toHaveLength(61);
    expect(view.plane.a).toMatchObject({ x: 0, y: 0 });
    expect(view.plane.b.x).toBeCloseTo(1, 5);
    expect(view.plane.bends[0]?.offPlane ?? 1).toBeLessThan(1e-4);
    expect(view.picture.points.map((p) => p.label)).toEqual(['A c0.onnx', 'B c2.onnx', 'bend c1.onnx']);
    // The ends of the line are the checkpoints' own losses.
    const la = (await own.model.evaluate(own.checkpoints[0] as Float32Array)).loss;
    const lb = (await own.model.evaluate(own.checkpoints[2] as Float32Array)).loss;
    expect(view.lineLoss[0]).toBeCloseTo(la, 5);
    expect(view.lineLoss[60]).toBeCloseTo(lb, 5);
    expect(view.chainLoss?.[30]).toBeCloseTo((await own.model.evaluate(own.checkpoints[1] as Float32Array)).loss, 5);
    await own.model.dispose();
  });
});
