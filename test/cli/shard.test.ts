/**
 * Sharded grids (src/cli/shard.ts): three shards computed by three processes, merged, equal the
 * one-process surface bit for bit; shards that do not fit together are refused with a reason.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/landscape';
import { parseShard, SHARD_BLOCK_ROWS } from '../../src/cli/shard';
import { readShardInfo, shardBlocks, shardOwnsRow } from '../../src/io/h5Shard';
import { parseH5Surface } from '../../src/io/h5Surface';
import { REPO_ROOT } from '../browser/harness';

const dir = mkdtempSync(join(tmpdir(), 'landscape-shard-'));
// A classifier (so accuracy is merged too); 19² over ±0.7: coordinates that are not binary fractions (a step of
// 1.4/18), so a shard must form its rows' β as the whole grid does (GridRequest.firstRow) to match it bit for bit.
const GRID = 19;
const LINK = `#data=moons&m=64&hidden=8&steps=40&loss=cross_entropy&grid=${GRID}&span=0.7`;

/** Runs the command line as its own process, as a scheduler would. */
function cliProcess(...argv: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', './tools/register-raw.mjs', '--import', 'tsx', 'src/cli/main.ts', ...argv], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

async function inProcess(...argv: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const code = await main(argv, { out: () => undefined, err: (l) => err.push(l) });
  return { code, err: err.join('\n') };
}

async function h5(file: string): Promise<{ loss: Float32Array; accuracy: Float32Array | undefined; unfilled: number }> {
  const parsed = await parseH5Surface(readFileSync(file));
  if (!parsed.ok) throw new Error(parsed.error);
  return { loss: parsed.value.loss, accuracy: parsed.value.accuracy, unfilled: parsed.value.unfilled };
}

function bits(a: Float32Array | undefined): number[] {
  return Array.from(new Uint32Array(Float32Array.from(a ?? []).buffer));
}

describe('sharded grids', () => {
  it('reads K/N and splits rows into blocks every shard can own exactly once', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['4/4', '-1/4', '1/0', '1', 'a/b', '1/2/3']) expect(parseShard(bad), bad).toHaveProperty('error');
    const split = { count: 3, blockRows: SHARD_BLOCK_ROWS };
    for (const rows of [1, 17, 51, 129]) {
      const owners = Array.from({ length: rows }, (_, iy) => [0, 1, 2].filter((index) => shardOwnsRow({ ...split, index }, iy)));
      expect(owners.every((o) => o.length === 1)).toBe(true);
      for (const index of [0, 1, 2]) {
        const fromBlocks = shardBlocks({ ...split, index }, rows).flatMap((b) => Array.from({ length: b.rows }, (_, i) => b.rowStart + i));
        expect(fromBlocks).toEqual(owners.flatMap((o, iy) => (o[0] === index ? [iy] : [])));
      }
    }
  });

  it('three shards in three processes merge into exactly the one-process surface', async () => {
    const shardFiles = [0, 1, 2].map((k) => join(dir, `part-${k}.h5`));
    const single = join(dir, 'single.h5');
    const runs = await Promise.all([
      ...shardFiles.map((file, k) => cliProcess('--link', LINK, '--cpu', '--shard', `${k}/3`, '--out', file)),
      cliProcess('--link', LINK, '--cpu', '--out', single),
    ]);
    for (const r of runs) expect(r.code, r.err).toBe(0);
    expect(runs[0].out).toContain(`shard 0/3: 8 of ${GRID} rows`);

    // Each shard holds its own rows and −1 elsewhere, and says which shard it is.
    for (const [k, file] of shardFiles.entries()) {
      const info = await readShardInfo(readFileSync(file));
      expect(info).toEqual({ ok: true, value: { index: k, count: 3, blockRows: SHARD_BLOCK_ROWS, span: 0.7 } });
      const part = await h5(file);
      const owned = shardBlocks({ index: k, count: 3, blockRows: SHARD_BLOCK_ROWS }, GRID).reduce((n, b) => n + b.rows, 0);
      expect(part.unfilled).toBe(GRID * (GRID - owned));
    }

    const merged = join(dir, 'merged.h5');
    const m = await cliProcess('--merge', ...shardFiles, '--out', merged);
    expect(m.code, m.err).toBe(0);
    expect(m.out).toContain('merged 3 shards');
    const whole = await h5(single);
    const joined = await h5(merged);
    expect(joined.unfilled).toBe(0);
    expect(bits(joined.loss)).toEqual(bits(whole.loss));
    expect(joined.accuracy).toBeDefined();
    expect(bits(joined.accuracy)).toEqual(bits(whole.accuracy));
    // The merged file is no shard; it carries the shards' recipe.
    expect(await readShardInfo(readFileSync(merged))).toEqual({ ok: true, value: null });
    const recipe = await parseH5Surface(readFileSync(merged));
    expect(recipe.ok && recipe.value.recipe?.stateHash).toContain('data=moons');

    // Shards that do not fit: a clear reason and a non-zero exit.
    const other = join(dir, 'other-seed-1.h5');
    expect((await inProcess('--link', `${LINK}&seed=7`, '--cpu', '--shard', '1/3', '--out', other)).code).toBe(0);
    const twice = join(dir, 'part-0-again.h5');
    copyFileSync(shardFiles[0] ?? '', twice);
    const cases: [string[], RegExp][] = [
      [[shardFiles[0] ?? '', other, shardFiles[2] ?? ''], /shards of different surfaces: the seed differs/],
      [[shardFiles[0] ?? '', twice, shardFiles[1] ?? '', shardFiles[2] ?? ''], /overlap: both are shard 0\/3/],
      [[shardFiles[0] ?? '', shardFiles[2] ?? ''], /shard 1\/3 missing/],
      [[shardFiles[0] ?? '', single], /single\.h5 is not a shard/],
      [[join(dir, 'nope.h5')], /cannot read .*nope\.h5/],
    ];
    for (const [inputs, message] of cases) {
      const r = await inProcess('--merge', ...inputs, '--out', join(dir, 'bad.h5'));
      expect(r.code, inputs.join(' ')).toBe(1);
      expect(r.err, inputs.join(' ')).toMatch(message);
    }
    const badArgs: [string[], RegExp][] = [
      [['--link', LINK, '--shard', '3/3', '--out', join(dir, 'x.h5')], /0 ≤ K < N/],
      [['--link', LINK, '--shard', '0/2', '--out', join(dir, 'x.npy')], /a shard is written as \.h5/],
      [['--merge', '--out', join(dir, 'x.h5')], /give the shard files/],
      [['--merge', shardFiles[0] ?? '', '--out', join(dir, 'x.npy')], /written as \.h5/],
    ];
    for (const [argv, message] of badArgs) {
      const r = await inProcess(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(message);
    }
    // More shards than blocks: the shard with no rows says so.
    const empty = await inProcess('--link', LINK, '--cpu', '--shard', '3/4', '--out', join(dir, 'empty.h5'));
    expect(empty.code).toBe(1);
    expect(empty.err).toMatch(/has no rows: a 19² grid has 3 blocks of 8 rows, so use N ≤ 3/);
  }, 180_000);

  it('on the GPU (Node webgpu) too: three shard processes merge into exactly the one-process surface', async () => {
    const shardFiles = [0, 1, 2].map((k) => join(dir, `gpu-part-${k}.h5`));
    const single = join(dir, 'gpu-single.h5');
    const runs = await Promise.all([
      ...shardFiles.map((file, k) => cliProcess('--link', LINK, '--shard', `${k}/3`, '--out', file, '--json')),
      cliProcess('--link', LINK, '--out', single, '--json'),
    ]);
    for (const r of runs) expect(r.code, r.err).toBe(0);
    for (const r of runs) expect(r.out, 'ran on the GPU').toMatch(/"adapter":"[^"]*swiftshader/i);
    const merged = join(dir, 'gpu-merged.h5');
    const m = await cliProcess('--merge', ...shardFiles, '--out', merged);
    expect(m.code, m.err).toBe(0);
    const whole = await h5(single);
    const joined = await h5(merged);
    expect(joined.unfilled).toBe(0);
    expect(bits(joined.loss)).toEqual(bits(whole.loss));
    expect(bits(joined.accuracy)).toEqual(bits(whole.accuracy));
  }, 240_000);
});
