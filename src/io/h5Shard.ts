/**
 * Shards of one surface, as `npm run cli -- … --shard K/N` writes them: a loss-landscape surface `.h5`
 * (cells this process did not compute hold −1, as loss-landscape's MPI runs leave them) whose
 * `/landscape` recipe group carries which share of the rows it holds: attributes `shard_index` (K, from 0),
 * `shard_count` (N), `shard_block_rows` (rows per block; shard K holds the blocks b with b mod N = K) and
 * `shard_span`.
 */
import { H5_RECIPE_GROUP } from './h5Surface';
import { readH5, writeH5 } from './h5module';
import { fail, ok, type ParseResult } from './result';

export interface ShardInfo {
  /** K, from 0. */
  readonly index: number;
  /** N. */
  readonly count: number;
  /** Rows (along β) per block. */
  readonly blockRows: number;
  /** Half-width of the square grid the shard belongs to. */
  readonly span: number;
}

/** Whether row `iy` belongs to the shard. */
export function shardOwnsRow(shard: Pick<ShardInfo, 'index' | 'count' | 'blockRows'>, iy: number): boolean {
  return Math.floor(iy / shard.blockRows) % shard.count === shard.index;
}

/** The shard's rows as blocks [rowStart, rowStart + rows) of a grid with `gridRows` rows. */
export function shardBlocks(
  shard: Pick<ShardInfo, 'index' | 'count' | 'blockRows'>,
  gridRows: number,
): { rowStart: number; rows: number }[] {
  const blocks: { rowStart: number; rows: number }[] = [];
  for (let b = shard.index; b * shard.blockRows < gridRows; b += shard.count) {
    const rowStart = b * shard.blockRows;
    blocks.push({ rowStart, rows: Math.min(shard.blockRows, gridRows - rowStart) });
  }
  return blocks;
}

/** The same `.h5` with the shard's attributes added to its recipe group (which must be there). */
export async function markShard(bytes: Uint8Array, shard: ShardInfo): Promise<Uint8Array> {
  return writeH5(bytes, (h5, file) => {
    const group = file.get(H5_RECIPE_GROUP);
    if (!(group instanceof h5.Group)) throw new Error('the surface file has no recipe group to mark as a shard');
    group.create_attribute('shard_index', shard.index);
    group.create_attribute('shard_count', shard.count);
    group.create_attribute('shard_block_rows', shard.blockRows);
    group.create_attribute('shard_span', shard.span);
  });
}

/** The shard attributes of a surface `.h5`; null for a file that is not a shard. Never throws. */
export async function readShardInfo(bytes: Uint8Array): Promise<ParseResult<ShardInfo | null>> {
  return readH5(bytes, 'h5', (h5, file) => {
    if (!file.keys().includes(H5_RECIPE_GROUP)) return ok(null);
    const group = file.get(H5_RECIPE_GROUP);
    if (!(group instanceof h5.Group)) return ok(null);
    const attrs = group.attrs;
    const names = ['shard_index', 'shard_count', 'shard_block_rows', 'shard_span'] as const;
    const present = names.filter((n) => n in attrs);
    if (present.length === 0) return ok(null);
    const values = names.map((n) => Number(attrs[n]?.value ?? Number.NaN));
    const [index = NaN, count = NaN, blockRows = NaN, span = NaN] = values;
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count)
      return fail(`h5: the shard attributes say shard ${index}/${count}, which is not a shard K/N with 0 ≤ K < N`);
    if (!Number.isInteger(blockRows) || blockRows < 1) return fail(`h5: shard_block_rows is ${blockRows}, not a whole number ≥ 1`);
    if (!Number.isFinite(span) || span <= 0) return fail(`h5: shard_span is ${span}, not a positive number`);
    return ok({ index, count, blockRows, span });
  });
}
