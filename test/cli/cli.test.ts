/**
 * The command line (src/cli/landscape.ts), called in-process: arguments in, a file and a summary out.
 * The GPU case uses the `webgpu` package on SwiftShader (VK_ICD_FILENAMES from vitest.config.ts).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/landscape';
import { makeDataset } from '../../src/data/generators';
import { parseH5Surface } from '../../src/io/h5Surface';
import { parseNpySurface } from '../../src/io/npy';
import type { GridData } from '../../src/io/gridData';

const dir = mkdtempSync(join(tmpdir(), 'landscape-cli-'));

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

function grid(file: string): GridData {
  const parsed = parseNpySurface(readFileSync(file));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('command line', () => {
  it('prints its usage, and refuses bad arguments with exit code 2 and a reason', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out.join('\n')).toContain('--preset ID');
    const cases: [string[], RegExp][] = [
      [['--out', join(dir, 'x.npy')], /--preset ID or --link/],
      [['--preset', 'uvx'], /give --out/],
      [['--preset', 'uvx', '--out', join(dir, 'x.png')], /\.h5, \.npy or \.csv/],
      [['--preset', 'uvx', '--out'], /--out needs a value/],
      [['--preset', 'uvx', '--frobnicate', '--out', join(dir, 'x.npy')], /unknown argument "--frobnicate"/],
      [['--preset', 'nope', '--out', join(dir, 'x.npy')], /unknown preset "nope"/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.join('\n'), argv.join(' ')).toMatch(message);
    }
  });

  it('u·v·x on the CPU: the grid is (αβ − 1)²·mean(x²) at every point, α along columns and β along rows', async () => {
    const file = join(dir, 'uvx.npy');
    const r = await run('--link', '#data=uvx&m=16&noise=0', '--grid', '17', '--span', '2', '--out', file, '--cpu', '--json');
    expect(r.code, r.err.join('\n')).toBe(0);
    const summary = JSON.parse(r.out[0] ?? '{}') as { gridSize: number; adapter: string; link: string };
    expect(summary.gridSize).toBe(17);
    expect(summary.adapter).toBe('CPU reference');
    expect(summary.link).toContain('data=uvx');
    const g = grid(file);
    expect([g.nx, g.ny]).toEqual([17, 17]);
    const data = makeDataset('uvx', { samples: 16, classes: 2, noise: 0, seed: 1 }, 'mse');
    const meanX2 = Array.from(data.x).reduce((s, x) => s + x * x, 0) / data.m;
    // A .npy holds values only: the coordinates are the grid's, −span … span.
    const coord = (i: number): number => -2 + (4 * i) / 16;
    for (let iy = 0; iy < 17; iy++) {
      for (let ix = 0; ix < 17; ix++) {
        const a = coord(ix);
        const b = coord(iy);
        const want = (a * b - 1) ** 2 * meanX2;
        expect(Math.abs((g.loss[iy * 17 + ix] ?? NaN) - want)).toBeLessThan(1e-5 * Math.max(1, want));
      }
    }
  });

  it('trains and computes on the GPU (SwiftShader) like the CPU reference, and writes .h5 with its recipe', async () => {
    const link = '#data=moons&m=32&hidden=6&steps=40&lr=0.02&grid=9';
    const gpuFile = join(dir, 'moons-gpu.npy');
    const cpuFile = join(dir, 'moons-cpu.npy');
    const gpu = await run('--link', link, '--out', gpuFile, '--json');
    expect(gpu.code, gpu.err.join('\n')).toBe(0);
    const gpuSummary = JSON.parse(gpu.out[0] ?? '{}') as { adapter: string; centerLoss: number };
    expect(gpuSummary.adapter).toMatch(/swiftshader/i);
    const cpu = await run('--link', link, '--out', cpuFile, '--json', '--cpu');
    expect(cpu.code).toBe(0);
    const a = grid(gpuFile);
    const b = grid(cpuFile);
    expect(a.loss.length).toBe(81);
    a.loss.forEach((v, i) => expect(Math.abs(v - (b.loss[i] ?? NaN))).toBeLessThan(1e-3 * Math.max(1, Math.abs(v))));
    const h5File = join(dir, 'moons.h5');
    const h5 = await run('--link', link, '--out', h5File, '--cpu');
    expect(h5.code).toBe(0);
    expect(h5.out.join('\n')).toContain('wrote');
    const parsed = await parseH5Surface(readFileSync(h5File));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(Array.from(parsed.value.loss)).toEqual(Array.from(b.loss));
  });

  it('reads the digits file itself, and passes on what the link decoder clamped', async () => {
    const ok = await run(
      '--preset',
      'digits',
      '--link',
      'm=100&steps=5&hidden=4',
      '--grid',
      '5',
      '--out',
      join(dir, 'digits.csv'),
      '--cpu',
      '--json',
    );
    expect(ok.code, ok.err.join('\n')).toBe(0);
    expect((JSON.parse(ok.out[0] ?? '{}') as { network: string }).network).toMatch(/^64-4-10 /);
    const csv = readFileSync(join(dir, 'digits.csv'), 'utf8').trim().split('\n');
    expect(csv.length).toBe(1 + 25);
    const clamped = await run('--link', '#m=8&hidden=2&steps=2&grid=3&noise=-4', '--out', join(dir, 'clamped.npy'), '--cpu');
    expect(clamped.code).toBe(0);
    expect(clamped.err.join('\n')).toMatch(/note: .*noise/);
    const flow = await run('--link', '#m=8&hidden=2&steps=2&grid=3&flow=connect:kind=bezier', '--out', join(dir, 'flow.npy'), '--cpu');
    expect(flow.code).toBe(0);
    expect(flow.err.join('\n')).toContain("the link's flow (connect)");
  });
});
