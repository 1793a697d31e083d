/**
 * Your own model in the real page: landscape.openModel with a small CNN built here draws its surface
 * (centre loss = the same model evaluated in Node), model() and plane() answer the ONNX layout, the
 * .h5 export names the model's SHA-256; bad input answers { ok: false } with the view unchanged; two
 * checkpoints draw the line between them.
 */
import { describe, expect, it } from 'vitest';
import { openOnnxModel, type OnnxData } from '../../src/engine/onnxModel';
import { Rng } from '../../src/model/rng';
import { cnnFixture, npyBytes, npzBytes, randomInputs } from '../model/onnx/fixtures';
import { collectConsole } from './harness';
import { useAppBrowser } from './appBrowser';

const browser = useAppBrowser();

const m = 24;
const a = cnnFixture(6, 3, 4, 41);
const b = cnnFixture(6, 3, 4, 42);
const rng = new Rng(5);
const x = randomInputs(a, m, 8);
const y = Float32Array.from({ length: m }, () => rng.int(4));
const npz = npzBytes({ x: npyBytes(x, [m, 1, 6, 6], '<f4'), y: npyBytes(y, [m], '<i8') }, true);

describe('your own model in the page', () => {
  it('openModel draws the surface of an ONNX CNN; model(), plane() and the .h5 export follow it; bad input keeps the view', async () => {
    const page = await browser.open('#grid=9&steps=30&m=32&hidden=4');
    const log = collectConsole(page);
    const data: OnnxData = { m, x, xShape: [m, 1, 6, 6], targets: { m, y, width: 1, integer: true } };
    const node = await openOnnxModel({ name: 'cnn.onnx', onnx: a.bytes, data });
    const want = (await node.evaluate(node.initialTheta(0))).loss;
    await node.dispose();

    const opened = await page.evaluate(
      async ([onnx, npzArr]) =>
        window.landscape.openModel({
          onnx: Uint8Array.from(onnx),
          data: Uint8Array.from(npzArr),
          names: ['cnn.onnx'],
          dataName: 'digits.npz',
        }),
      [Array.from(a.bytes), Array.from(npz)] as const,
    );
    expect(opened).toEqual({ ok: true });
    const seen = await page.evaluate(() => {
      const own = window.landscape.ownModel();
      const s = window.landscape.surface();
      const plane = window.landscape.plane();
      return {
        kind: own?.spec.kind,
        loss: own?.spec.loss,
        names: own?.spec.segments.map((seg) => `${seg.name}:${seg.kind}`),
        theta: own?.theta.length,
        viaModel: (window.landscape.model() as unknown as { spec: { kind: string } }).spec.kind,
        center: s.centerLoss,
        grid: s.gridSize,
        finite: s.loss.every((v) => Number.isFinite(v)),
        planeSize: plane.directionX.length,
        status: document.querySelector('.status-job')?.textContent ?? '',
      };
    });
    expect(seen.kind).toBe('onnx');
    expect(seen.viaModel).toBe('onnx');
    expect(seen.loss).toBe('cross_entropy');
    expect(seen.names).toEqual([
      'conv1.weight:weight',
      'conv1.bias:bias',
      'bn1.weight:norm',
      'bn1.bias:norm',
      'bn1.running_mean:running-stat',
      'bn1.running_var:running-stat',
      'conv2.weight:weight',
      'fc.weight:weight',
      'fc.bias:bias',
    ]);
    expect(seen.planeSize).toBe(seen.theta);
    expect(seen.grid).toBe(9);
    expect(seen.finite).toBe(true);
    expect(Math.abs(seen.center - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, want));
    expect(seen.status).toContain('cnn.onnx');
    expect(seen.status).toContain('cross_entropy');
    expect(seen.status).toContain('m=24');

    const h5 = await page.evaluate(async () => {
      const f = await window.landscape.exportSurface('h5', { download: false });
      return f.bytes;
    });
    expect(h5).toBeGreaterThan(1000);

    // Bad input: a truncated model, data that does not fit, labels out of range. The view stays.
    const bad = await page.evaluate(
      async ([onnx, npzArr]) => {
        const before = window.landscape.surface().centerLoss;
        const full = Uint8Array.from(onnx);
        const truncated = await window.landscape.openModel({ onnx: full.slice(0, full.length >> 1), data: Uint8Array.from(npzArr) });
        const notZip = await window.landscape.openModel({ onnx: full, data: new Uint8Array([1, 2, 3, 4, 5]) });
        const wrongLoss = await window.landscape.openModel({ onnx: full, data: Uint8Array.from(npzArr), loss: 'bce' });
        return {
          truncated,
          notZip,
          wrongLoss,
          same: window.landscape.surface().centerLoss === before,
          kind: window.landscape.ownModel()?.spec.kind,
        };
      },
      [Array.from(a.bytes), Array.from(npz)] as const,
    );
    expect(bad.truncated.ok).toBe(false);
    expect(bad.notZip).toMatchObject({ ok: false, error: expect.stringMatching(/^npz: /) as unknown });
    expect(bad.wrongLoss).toMatchObject({ ok: false, error: expect.stringContaining('bce needs one output') as unknown });
    expect(bad.same).toBe(true);
    expect(bad.kind).toBe('onnx');

    // Cancel: the job stops, the view keeps the model shown before.
    const cancelled = await page.evaluate(
      async ([onnx, npzArr]) => {
        const pending = window.landscape.openModel({ onnx: Uint8Array.from(onnx), data: Uint8Array.from(npzArr), names: ['other.onnx'] });
        window.landscape.cancel();
        return { result: await pending, files: window.landscape.ownModel()?.spec.files };
      },
      [Array.from(b.bytes), Array.from(npz)] as const,
    );
    expect(cancelled.result).toMatchObject({ ok: false, error: expect.stringContaining('cancelled') as unknown });
    expect(cancelled.files).toEqual(['cnn.onnx']);

    // Drag and drop: the model and its data dropped together on the page.
    await page.evaluate(
      ([onnx, npzArr]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([Uint8Array.from(onnx)], 'dropped.onnx'));
        dt.items.add(new File([Uint8Array.from(npzArr)], 'dropped.npz'));
        document.querySelector('#view')?.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      [Array.from(b.bytes), Array.from(npz)] as const,
    );
    await page.waitForFunction(() => window.landscape.ownModel()?.spec.files[0] === 'dropped.onnx', undefined, { timeout: 120_000 });
    const shownText = await page.evaluate(() => {
      const rows = Array.from(document.querySelectorAll('.lil-controller'));
      const row = rows.find((r) => r.querySelector('.lil-name')?.textContent === 'shown');
      return row?.querySelector('input')?.value ?? '';
    });
    expect(shownText).toContain('dropped.onnx · cross_entropy · m=24 (dropped.npz)');
    expect(log.errors).toEqual([]);
  });

  it('two checkpoints: the line between them drawn on the plane through them', async () => {
    const page = await browser.open('#grid=9&steps=30&m=32&hidden=4');
    const r = await page.evaluate(
      async ([onnxA, onnxB, npzArr]) => {
        const res = await window.landscape.openModel({
          onnx: [Uint8Array.from(onnxA), Uint8Array.from(onnxB)],
          data: Uint8Array.from(npzArr),
        });
        return { res, paths: window.landscape.pathOverlayCount(), status: document.querySelector('.status-job')?.textContent ?? '' };
      },
      [Array.from(a.bytes), Array.from(b.bytes), Array.from(npz)] as const,
    );
    expect(r.res).toEqual({ ok: true });
    expect(r.paths).toBeGreaterThanOrEqual(1);
    expect(r.status).toMatch(/line barrier/);
  });
});
