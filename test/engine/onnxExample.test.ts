/**
 * The shipped example (public/models/cnn-digits, written by tools/make-onnx-example.py with PyTorch):
 * the page's flow on the wasm provider gives PyTorch's own numbers — each checkpoint's centre loss, the
 * 5 × 5 grid along the stored loss-landscape directions, and the straight line between two checkpoints —
 * within 1e-4 relative. Skipped (and reported so) where the example files are not in the checkout.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/engine/cpuBackend';
import { onnxData } from '../../src/engine/onnxModel';
import { openOwnModel, ownModelView, type ModelFile } from '../../src/engine/ownModel';
import { Engine } from '../../src/engine/pipeline';
import { parseNpz } from '../../src/io/npz';
import { parseDirectionsH5 } from '../../src/io/onnxH5';

const DIR = join(__dirname, '..', '..', 'public', 'models', 'cnn-digits');
const present = existsSync(join(DIR, 'expected.json')) && existsSync(join(DIR, 'model.onnx'));

interface Expected {
  checkpoints: Record<string, { centre_loss_f32: number; centre_accuracy: number }>;
  grid: { model: string; alphas: number[]; betas: number[]; loss_f32: number[] };
  line: { from: string; to: string; t: number[]; loss_f32: number[] };
}

const engine = new Engine({ gpu: null, cpu: () => cpuBackend('onnxruntime-web (wasm)') });
afterAll(() => engine.dispose());
const file = (name: string): ModelFile => ({ name, bytes: new Uint8Array(readFileSync(join(DIR, name))) });
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe.skipIf(!present)('the example CNN against PyTorch', () => {
  const expected = (): Expected => JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Expected;
  const data = () => {
    const npz = parseNpz(new Uint8Array(readFileSync(join(DIR, 'data.npz'))));
    if (!npz.ok) throw new Error(npz.error);
    return onnxData(npz.value);
  };
  const plane = { seed: 1, filterNormalize: true, keepBias: false, gridSize: 5, span: 1 };

  it('centre losses and the grid along the stored directions', async () => {
    const e = expected();
    for (const [name, c] of Object.entries(e.checkpoints)) {
      const own = await openOwnModel([file(name)], data());
      const r = await own.model.evaluate(own.model.initialTheta(0));
      expect(rel(r.loss, c.centre_loss_f32)).toBeLessThanOrEqual(1e-4);
      expect(r.accuracy).toBeCloseTo(c.centre_accuracy, 6);
      await own.model.dispose();
    }
    const dirs = await parseDirectionsH5(new Uint8Array(readFileSync(join(DIR, 'directions.h5'))));
    if (!dirs.ok) throw new Error(dirs.error);
    const own = await openOwnModel([file(e.grid.model)], data());
    const view = await ownModelView(engine, own, plane, dirs.value, new AbortController().signal, () => undefined, []);
    expect(Array.from(view.surface.alphas)).toEqual(e.grid.alphas);
    e.grid.loss_f32.forEach((want, i) => expect(rel(view.surface.loss[i] ?? NaN, want)).toBeLessThanOrEqual(1e-4));
    await own.model.dispose();
  });

  it('the straight line between two checkpoints', async () => {
    const e = expected();
    const own = await openOwnModel([file(e.line.from), file(e.line.to)], data());
    const view = await ownModelView(engine, own, plane, null, new AbortController().signal, () => undefined, []);
    expect(view.kind).toBe('path');
    if (view.kind !== 'path') return;
    e.line.t.forEach((t, i) => expect(rel(view.lineLoss[Math.round(t * 60)] ?? NaN, e.line.loss_f32[i] ?? NaN)).toBeLessThanOrEqual(1e-4));
    await own.model.dispose();
  });
});
