/** Shard attributes of a surface `.h5` (src/io/h5Shard.ts): written, read back, and refused when malformed. */
import { describe, expect, it } from 'vitest';
import { markShard, readShardInfo } from '../../src/io/h5Shard';
import { surfaceToH5 } from '../../src/io/h5Surface';
import { makeRecipe, makeSurface } from './fixtures';

describe('h5 shard attributes', () => {
  it('round-trip through the recipe group, and a file without them is no shard', async () => {
    const plain = await surfaceToH5(makeSurface(6, 6, { accuracy: true }), makeRecipe());
    expect(await readShardInfo(plain)).toEqual({ ok: true, value: null });
    const info = { index: 2, count: 5, blockRows: 8, span: 1.5 };
    expect(await readShardInfo(await markShard(plain, info))).toEqual({ ok: true, value: info });
  });

  it('a file without a recipe group cannot be marked', async () => {
    const bare = await surfaceToH5(makeSurface(4, 4));
    await expect(markShard(bare, { index: 0, count: 1, blockRows: 8, span: 1 })).rejects.toThrow(/no recipe group/);
  });

  it('malformed attributes and broken files give a reason, never a throw', async () => {
    const plain = await surfaceToH5(makeSurface(6, 6), makeRecipe());
    const cases: [Parameters<typeof markShard>[1], RegExp][] = [
      [{ index: 3, count: 3, blockRows: 8, span: 1 }, /shard 3\/3, which is not a shard K\/N/],
      [{ index: 0, count: 0, blockRows: 8, span: 1 }, /not a shard K\/N/],
      [{ index: 0, count: 2, blockRows: 0, span: 1 }, /shard_block_rows is 0/],
      [{ index: 0, count: 2, blockRows: 8, span: -1 }, /shard_span is -1/],
    ];
    for (const [info, message] of cases) {
      const r = await readShardInfo(await markShard(plain, info));
      expect(r.ok, JSON.stringify(info)).toBe(false);
      if (!r.ok) expect(r.error).toMatch(message);
    }
    for (const bytes of [new Uint8Array(0), plain.slice(0, 200), new TextEncoder().encode('not hdf5 at all')]) {
      const r = await readShardInfo(bytes);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^h5: /);
    }
  });
});
