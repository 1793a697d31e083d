/**
 * Files through the real page: the .h5 saved from the Files folder reopens in Node with h5wasm;
 * a loss-landscape .h5 (non-square, −1 cells) picked in the file input is shown with every tool;
 * a malformed file shows a notice and leaves the surface as it was.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm';
import { describe, expect, it } from 'vitest';
import { parseH5Surface } from '../../src/io/h5Surface';
import { collectConsole, REPO_ROOT } from './harness';
import { useAppBrowser } from './appBrowser';

const browser = useAppBrowser();

/** A surface file in loss-landscape's own layout: (nx, ny) datasets filled in meshgrid order. */
async function lossLandscapeFile(
  nx: number,
  ny: number,
  unfilled: number,
): Promise<{ bytes: Uint8Array; truth: (ix: number, iy: number) => number }> {
  const { FS } = await h5wasm.ready;
  const xs = Float64Array.from({ length: nx }, (_, i) => -1 + (2 * i) / (nx - 1));
  const ys = Float64Array.from({ length: ny }, (_, i) => -0.6 + (1.2 * i) / (ny - 1));
  const truth = (ix: number, iy: number): number => 0.2 + (xs[ix] ?? 0) ** 2 + 4 * ((ys[iy] ?? 0) - 0.3) ** 2 + 0.5 * (xs[ix] ?? 0);
  const loss = new Float64Array(nx * ny).fill(-1);
  const acc = new Float64Array(nx * ny).fill(-1);
  for (let ind = 0; ind < nx * ny - unfilled; ind++) {
    loss[ind] = truth(ind % nx, Math.floor(ind / nx));
    acc[ind] = 90;
  }
  const path = '/files-test.h5';
  const f = new h5wasm.File(path, 'w');
  f.create_dataset({ name: 'dir_file', data: 'resnet56.t7_weights_xignore=biasbn_xnorm=filter.h5' });
  f.create_dataset({ name: 'xcoordinates', data: xs });
  f.create_dataset({ name: 'ycoordinates', data: ys });
  f.create_dataset({ name: 'train_loss', data: loss, shape: [nx, ny] });
  f.create_dataset({ name: 'train_acc', data: acc, shape: [nx, ny] });
  f.close();
  const bytes = FS.readFile(path).slice();
  FS.unlink(path);
  return { bytes, truth };
}

describe('files in the page', () => {
  it('saves the surface as .h5 from the Files folder; it reopens in Node with the same values', async () => {
    const page = await browser.open('#grid=17&steps=50&m=64&hidden=8');
    const log = collectConsole(page);
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByText('save surface .h5 (loss-landscape)').click(),
    ]);
    expect(download.suggestedFilename()).toBe('loss-surface-17x17.h5');
    const bytes = new Uint8Array(readFileSync(await download.path()));
    const onScreen = await page.evaluate(() => {
      const s = window.landscape.surface();
      return { loss: Array.from(s.loss), alphas: Array.from(s.alphas), theta: Array.from(window.landscape.plane().center) };
    });
    // Raw h5wasm, as a researcher would read it: (nx, ny) float64, value(ix, iy) = flat[iy·nx + ix].
    const { FS } = await h5wasm.ready;
    FS.writeFile('/downloaded.h5', bytes);
    const file = new h5wasm.File('/downloaded.h5', 'r');
    const trainLoss = file.get('train_loss');
    if (!(trainLoss instanceof h5wasm.Dataset)) throw new Error('no train_loss');
    expect(trainLoss.shape).toEqual([17, 17]);
    expect(trainLoss.dtype).toBe('<d');
    expect(Array.from(trainLoss.value as Float64Array)).toEqual(onScreen.loss);
    expect(file.keys()).toEqual(expect.arrayContaining(['xcoordinates', 'ycoordinates', 'train_acc', 'landscape']));
    file.close();
    FS.unlink('/downloaded.h5');
    const parsed = await parseH5Surface(bytes);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(Array.from(parsed.value.alphas)).toEqual(onScreen.alphas);
    expect(Array.from(parsed.value.recipe?.theta ?? [])).toEqual(onScreen.theta);
    expect(parsed.value.recipe?.stateHash).toContain('grid=17');
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('opens a loss-landscape .h5 from the file input: non-square, −1 cells, every tool works', async () => {
    const page = await browser.open('#grid=17&steps=50&m=64&hidden=8');
    const nx = 41;
    const ny = 23;
    const { bytes, truth } = await lossLandscapeFile(nx, ny, 5);
    await page
      .locator('#file-import')
      .setInputFiles({ name: 'resnet56_surface.h5', mimeType: 'application/x-hdf5', buffer: Buffer.from(bytes) });
    await page.waitForFunction(() => window.landscape.surface().imported !== undefined, null, { timeout: 30_000 });
    const s = await page.evaluate(() => {
      const s = window.landscape.surface();
      return {
        gridSize: s.gridSize,
        ny: s.ny,
        imported: s.imported,
        loss: Array.from(s.loss, (v) => (Number.isNaN(v) ? null : v)),
        acc: s.accuracy?.[0],
        nonFinite: s.nonFinite,
      };
    });
    expect(s.gridSize).toBe(nx);
    expect(s.ny).toBe(ny);
    expect(s.imported).toEqual({ name: 'resnet56_surface.h5', format: 'h5' });
    expect(s.nonFinite).toBe(5);
    expect(s.acc).toBeCloseTo(0.9, 6);
    for (let iy = 0; iy < ny; iy++) {
      for (let ix = 0; ix < nx; ix++) {
        const v = s.loss[iy * nx + ix];
        if (iy * nx + ix >= nx * ny - 5) expect(v).toBeNull();
        else expect(v).toBeCloseTo(truth(ix, iy), 5);
      }
    }
    expect(await page.locator('.status-job').textContent()).toMatch(/imported resnet56_surface\.h5 \(h5, 41 × 23, 5 unfilled cells\)/);
    // Components, merge levels and the water level work on the imported grid.
    const tools = await page.evaluate(() => {
      const sub = window.landscape.sublevel(0.5);
      const merge = window.landscape.mergeLevel({ ix: 0, iy: 0 }, { ix: 40, iy: 10 });
      return { labels: sub.labels.length, components: sub.components, merge };
    });
    expect(tools.labels).toBe(nx * ny);
    expect(tools.components).toBeGreaterThanOrEqual(1);
    expect(Number.isFinite(tools.merge)).toBe(true);
    // A view field keeps the imported surface; a plane field hands the view back to the engine.
    await page.evaluate(() => window.landscape.set({ view: { colormap: 'magma' }, sublevel: { contours: 12 } }));
    expect(await page.evaluate(() => window.landscape.surface().imported?.name)).toBe('resnet56_surface.h5');
    await page.evaluate(() => window.landscape.redraw());
    mkdirSync(join(REPO_ROOT, 'artifacts'), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, 'artifacts', 'files-import-h5.png') });
    // Exports work on the imported surface too.
    const npy = await page.evaluate(() => window.landscape.exportSurface('npy', { download: false }));
    expect(npy.fileName).toBe('loss-surface-41x23.npy');
    await page.evaluate(() => window.landscape.set({ plane: { span: 0.5 } }));
    const after = await page.evaluate(() => ({ imported: window.landscape.surface().imported, n: window.landscape.surface().loss.length }));
    expect(after.imported).toBeUndefined();
    expect(after.n).toBe(17 * 17);
    await page.close();
  });

  it('a malformed file shows a notice naming the problem and leaves the surface unchanged', async () => {
    const page = await browser.open('#grid=17&steps=50&m=64&hidden=8');
    const before = await page.evaluate(() => Array.from(window.landscape.surface().loss));
    const { bytes } = await lossLandscapeFile(5, 4, 0);
    await page
      .locator('#file-import')
      .setInputFiles({ name: 'broken.h5', mimeType: 'application/x-hdf5', buffer: Buffer.from(bytes.subarray(0, 900)) });
    await page.waitForFunction(() => /Could not open broken\.h5/.test(document.querySelector('.notice')?.textContent ?? ''), null, {
      timeout: 30_000,
    });
    const notice = await page.locator('.notice').textContent();
    expect(notice).toMatch(/h5: .*(truncated|corrupt|could not open)/);
    expect(notice).toMatch(/view is unchanged/);
    await page.locator('#file-import').setInputFiles({
      name: 'model.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format": "loss-landscape-explorer/model-bundle", "version": 1, "spec": {"inputs": 0}}'),
    });
    await page.waitForFunction(() => /model\.json/.test(document.querySelector('.notice')?.textContent ?? ''), null, { timeout: 30_000 });
    expect(await page.locator('.notice').textContent()).toMatch(/inputs should be an integer in 1\.\.4096/);
    const after = await page.evaluate(() => ({
      loss: Array.from(window.landscape.surface().loss),
      imported: window.landscape.surface().imported,
    }));
    expect(after.imported).toBeUndefined();
    expect(after.loss).toEqual(before);
    await page.screenshot({ path: join(REPO_ROOT, 'artifacts', 'files-bad-file.png') });
    await page.close();
  });

  it('a .npy grid dropped on the page is shown like a picked file', async () => {
    const page = await browser.open('#grid=17&steps=50&m=64&hidden=8');
    await page.evaluate(() => {
      // A 3 × 4 (ny × nx) '<f4' grid, built here as NumPy writes it.
      const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }".padEnd(117, ' ') + '\n';
      const bytes = new Uint8Array(128 + 48);
      bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0]);
      bytes.set(new TextEncoder().encode(header), 10);
      const values = new Float32Array(bytes.buffer, 128, 12);
      values.forEach((_, i) => (values[i] = 1 + i));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'grid.npy'));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    });
    await page.waitForFunction(() => window.landscape.surface().imported !== undefined, null, { timeout: 20_000 });
    const shown = await page.evaluate(() => {
      const s = window.landscape.surface();
      return {
        imported: s.imported,
        gridSize: s.gridSize,
        ny: s.ny,
        loss: Array.from(s.loss),
        alphas: Array.from(s.alphas),
        dropClass: document.body.classList.contains('file-drop'),
      };
    });
    expect(shown.imported).toEqual({ name: 'grid.npy', format: 'npy' });
    expect([shown.gridSize, shown.ny]).toEqual([4, 3]);
    expect(shown.loss).toEqual(Array.from({ length: 12 }, (_, i) => 1 + i));
    expect(shown.alphas[0]).toBeCloseTo(-1, 6);
    expect(shown.dropClass).toBe(false);
    await page.close();
  });

  it('a model bundle exported by the app opens again and is evaluated over its own plane', async () => {
    const page = await browser.open('#grid=17&steps=50&m=64&hidden=8');
    const result = await page.evaluate(async () => {
      const before = Array.from(window.landscape.surface().loss);
      const m = window.landscape.model();
      const p = window.landscape.plane();
      const spec = {
        inputs: m.spec.inputs,
        hidden: m.spec.hidden,
        outputs: m.spec.outputs,
        activation: m.spec.activation,
        loss: m.spec.loss,
        bias: m.spec.bias,
      };
      const bundle = {
        format: 'loss-landscape-explorer/model-bundle',
        version: 1,
        spec,
        theta: Array.from(p.center),
        data: { x: Array.from(m.data.x), y: Array.from(m.data.y) },
        directions: { x: Array.from(p.directionX), y: Array.from(p.directionY) },
      };
      const r = await window.landscape.importFile(new TextEncoder().encode(JSON.stringify(bundle)), 'model.json');
      const s = window.landscape.surface();
      return { r, before, after: Array.from(s.loss), imported: s.imported };
    });
    expect(result.r).toEqual({ ok: true });
    expect(result.imported).toEqual({ name: 'model.json', format: 'bundle' });
    result.after.forEach((v, i) => expect(Math.abs(v - (result.before[i] ?? NaN))).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(v))));
    await page.close();
  });
});
