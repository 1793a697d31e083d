/**
 * The command line on a model of one's own (fixtures written to a temporary folder): the grid it
 * writes is the engine's (the same flow the page runs), a direction file gives exactly its plane, two
 * checkpoints give the line's barrier, and bad input ends with a message and exit code 1 or 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/landscape';
import { openOnnxModel, onnxData } from '../../src/engine/onnxModel';
import { loadH5, scratchPath } from '../../src/io/h5module';
import { parseH5Surface } from '../../src/io/h5Surface';
import { parseNpy } from '../../src/io/npy';
import { parseNpz } from '../../src/io/npz';
import { Rng } from '../../src/model/rng';
import { mlpFixture, npyBytes, npzBytes, randomInputs } from '../model/onnx/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'onnx-cli-'));
const m = 30;
const a = mlpFixture(4, 5, 3, 31);
const b = mlpFixture(4, 5, 3, 32);
const rng = new Rng(1);
const npz = npzBytes({
  x: npyBytes(randomInputs(a, m, 3), [m, 4], '<f4'),
  y: npyBytes(
    Array.from({ length: m }, () => rng.int(3)),
    [m],
    '<i8',
  ),
});
writeFileSync(join(dir, 'a.onnx'), a.bytes);
writeFileSync(join(dir, 'b.onnx'), b.bytes);
writeFileSync(join(dir, 'data.npz'), npz);

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function model() {
  const parsed = parseNpz(npz);
  if (!parsed.ok) throw new Error(parsed.error);
  return openOnnxModel({ name: 'a.onnx', onnx: a.bytes, data: onnxData(parsed.value) });
}

describe('command line: --onnx', () => {
  it('writes the grid, with the model file and its SHA-256 in the recipe', async () => {
    const out = join(dir, 'a.h5');
    const r = await cli(['--onnx', join(dir, 'a.onnx'), '--data', join(dir, 'data.npz'), '--grid', '5', '--out', out, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as { centerLoss: number; loss: string; sha256: string[]; params: number };
    expect(summary.loss).toBe('cross_entropy');
    expect(summary.params).toBe(4 * 5 + 5 + 5 * 3 + 3);
    expect(summary.sha256[0]).toMatch(/^[0-9a-f]{64}$/);
    const mdl = await model();
    expect(summary.centerLoss).toBeCloseTo((await mdl.evaluate(mdl.initialTheta(0))).loss, 5);
    const file = readFileSync(out);
    const parsed = await parseH5Surface(new Uint8Array(file));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.nx).toBe(5);
    // The centre cell is θ₀.
    expect(parsed.value.loss[12]).toBeCloseTo(summary.centerLoss, 5);
    const { h5, fs } = await loadH5();
    const path = scratchPath();
    fs.writeFile(path, new Uint8Array(file));
    const f = new h5.File(path, 'r');
    const group = f.get('landscape') as InstanceType<typeof h5.Group>;
    expect(group.attrs['model_sha256']?.value).toBe(summary.sha256[0]);
    expect(group.attrs['model_files']?.value).toBe('a.onnx');
    f.close();
    fs.unlink(path);
    await mdl.dispose();
  });

  it('a loss-landscape direction file gives exactly its plane', async () => {
    const mdl = await model();
    const theta = mdl.initialTheta(0);
    const r2 = new Rng(9);
    const dx = Float32Array.from(theta, () => r2.normal() * 0.3);
    const dy = Float32Array.from(theta, () => r2.normal() * 0.3);
    const { h5, fs } = await loadH5();
    const path = scratchPath();
    const f = new h5.File(path, 'w');
    for (const [group, d] of [
      ['xdirection', dx],
      ['ydirection', dy],
    ] as const) {
      const g = f.create_group(group);
      mdl.layout.segments.forEach((seg, i) => {
        g.create_dataset({
          name: String(i),
          data: d.slice(seg.offset, seg.offset + seg.shape.reduce((p, q) => p * q, 1)),
          shape: [...seg.shape],
        });
      });
    }
    f.close();
    writeFileSync(join(dir, 'dir.h5'), fs.readFile(path));
    fs.unlink(path);
    const out = join(dir, 'dir.npy');
    const r = await cli([
      '--onnx',
      join(dir, 'a.onnx'),
      '--data',
      join(dir, 'data.npz'),
      '--directions',
      join(dir, 'dir.h5'),
      '--grid',
      '3',
      '--span',
      '1',
      '--out',
      out,
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ directions: 'file' });
    const npy = parseNpy(new Uint8Array(readFileSync(out)));
    if (!npy.ok) throw new Error(npy.error);
    const grid = npy.value.values;
    // Cell (ix = 2, iy = 1) is θ₀ + dx.
    const want = (await mdl.evaluate(theta.map((v, i) => v + (dx[i] ?? 0)))).loss;
    expect(grid[1 * 3 + 2]).toBeCloseTo(want, 5);
    const wantY = (await mdl.evaluate(theta.map((v, i) => v - (dy[i] ?? 0)))).loss;
    expect(grid[0 * 3 + 1]).toBeCloseTo(wantY, 5);
    await mdl.dispose();
  });

  it('two checkpoints: the line between them and its barrier', async () => {
    const r = await cli([
      '--onnx',
      join(dir, 'a.onnx'),
      '--onnx',
      join(dir, 'b.onnx'),
      '--data',
      join(dir, 'data.npz'),
      '--grid',
      '5',
      '--out',
      join(dir, 'ab.csv'),
      '--json',
    ]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as { lineBarrier: number; directions: string };
    expect(summary.directions).toBe('checkpoints');
    expect(Number.isFinite(summary.lineBarrier)).toBe(true);
    expect(summary.lineBarrier).toBeGreaterThanOrEqual(0);
  });

  it('bad input: a message and a non-zero exit code', async () => {
    const bad = join(dir, 'bad.onnx');
    writeFileSync(bad, a.bytes.slice(0, 40));
    let r = await cli(['--onnx', bad, '--data', join(dir, 'data.npz'), '--out', join(dir, 'x.h5')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^failed: onnx: /);
    r = await cli(['--onnx', join(dir, 'a.onnx'), '--out', join(dir, 'x.h5')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--data');
    const other = mlpFixture(4, 6, 3, 33);
    writeFileSync(join(dir, 'other.onnx'), other.bytes);
    r = await cli([
      '--onnx',
      join(dir, 'a.onnx'),
      '--onnx',
      join(dir, 'other.onnx'),
      '--data',
      join(dir, 'data.npz'),
      '--out',
      join(dir, 'x.h5'),
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('not a checkpoint of the same architecture');
  });
});
