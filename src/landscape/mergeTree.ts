/**
 * Merge tree of the sublevel sets of a grid slice: how the components of {v ≤ E} are born at
 * local minima and merge as E rises, the persistence of every minimum, and the merge level
 * (lowest barrier) between any two cells.
 *
 * Grid convention: `values[iy * nx + ix]`. A non-finite value (±Inf, NaN) is above every level:
 * such a cell never joins, so it can separate the slice into islands that never merge.
 *
 * Merge levels are defined for the closed sets {v ≤ E}: `mergeLevel(a, b)` is the least E at
 * which a and b lie in one component, and it is always one of the grid values. For the strict
 * sets {v < E} of `labelSublevel` it is the infimum: a and b share a component for every E
 * strictly above it, and never at it.
 *
 * Minima the grid cannot resolve (`mergeUnresolved`): a sampled surface has pits that are not in
 * the function it samples. A flat valley floor crossed by grid lines at changing offsets gives a
 * row of cells each a little lower than its neighbours along the floor (u·v·x sampled on 129² shows
 * 64 of them along uv = 1, each shallower than 5·10⁻⁴), and a plateau of float ties or float
 * noise gives minima of persistence 0 or a few ulps. Such a minimum's persistence is smaller than
 * the change of the loss across one grid step beside it, so moving the grid by half a step can make
 * or remove it. With `mergeUnresolved`, a minimum counts only when its persistence exceeds
 * {@link UNRESOLVED_RULE}: half the largest rise from it to one of its 8 grid neighbours, and at
 * least 10⁻⁶ of the slice's finite loss range (float ties). The others are merged into the
 * minimum they would merge into (the elder rule), and `minima` lists only the resolved ones.
 */
import { assertConnectivity, assertGrid, type Connectivity } from './sublevel';
import { findRoot } from './unionFind';

/** A minimum is resolved when its persistence exceeds both of these (see the file comment). */
export const UNRESOLVED_RULE = {
  /** Fraction of the largest rise from the minimum to one of its 8 grid neighbours. */
  gridStepFraction: 0.5,
  /** Fraction of the slice's finite loss range (max − min): float ties and float noise. */
  rangeFraction: 1e-6,
} as const;

/** The rule in words, as the page and the docs state it. */
export const UNRESOLVED_TEXT =
  'minima shallower than half the loss step to a neighbouring grid point, or than 10⁻⁶ of the loss range, are not resolved by the grid: each is merged into the minimum it joins';

export interface MergeTreeOptions {
  /** Merge the minima the grid does not resolve (default false: every local minimum of the grid). */
  readonly mergeUnresolved?: boolean;
}

/** A local minimum of the grid before merging: where it is and which listed minimum it counts as. */
export interface GridMinimum {
  readonly cell: number;
  readonly birth: number;
  /** Index in `MergeTree.minima` of the minimum it counts as (its own when it is resolved). */
  readonly countsAs: number;
}

export interface LocalMinimum {
  /** Grid index `iy * nx + ix` of the minimum. */
  readonly cell: number;
  /** Value at the minimum: the level at which its component is born. */
  readonly birth: number;
  /** Level at which its component merges into an older one (elder rule); Infinity if never. */
  readonly death: number;
  /** death − birth (Infinity if it never merges; 0 is possible on plateaus of equal values). */
  readonly persistence: number;
  /** Index in `minima` of the older minimum it merges into, −1 if it never merges. */
  readonly mergesInto: number;
}

/**
 * Built by {@link buildMergeTree}. Internally a Kruskal reconstruction tree: one node per birth
 * and one per merge of two components, each at the level where it happened, so levels never
 * decrease towards the root and the merge level of two components is the level of their
 * lowest common ancestor, found by binary lifting in O(log depth).
 */
export class MergeTree {
  readonly nx: number;
  readonly ny: number;
  readonly connectivity: Connectivity;
  /**
   * In birth order (ascending birth, ties in scan order): `minima[0]` is the global minimum.
   * Every minimum whose component never meets an older one has death Infinity: the global
   * minimum, and the deepest minimum of each island walled off by non-finite cells.
   */
  readonly minima: readonly LocalMinimum[];
  /**
   * Every local minimum of the grid in birth order, resolved or not, each with the listed minimum
   * it counts as; equal to `minima` (countsAs = own index) without `mergeUnresolved`.
   */
  readonly gridMinima: readonly GridMinimum[];
  private readonly values: Float32Array;
  /** Per cell, the node of its component when it joined; −1 for non-finite cells. */
  private readonly cellNode: Int32Array;
  private readonly nodeLevel: Float64Array;
  private readonly nodeDepth: Int32Array;
  /** ancestors[k * nodeCount + node] = the 2^k-th ancestor of node (a root is its own). */
  private readonly ancestors: Int32Array;
  private readonly liftSteps: number;
  private readonly nodeCount: number;

  /** @internal Use {@link buildMergeTree}. */
  constructor(
    nx: number,
    ny: number,
    connectivity: Connectivity,
    values: Float32Array,
    minima: readonly LocalMinimum[],
    gridMinima: readonly GridMinimum[],
    cellNode: Int32Array,
    nodeLevel: Float64Array,
    nodeParent: Int32Array,
  ) {
    this.nx = nx;
    this.ny = ny;
    this.connectivity = connectivity;
    this.values = values;
    this.minima = minima;
    this.gridMinima = gridMinima;
    this.cellNode = cellNode;
    this.nodeLevel = nodeLevel;
    const nodeCount = nodeLevel.length;
    this.nodeCount = nodeCount;

    // A parent is always created after its children, so one backward pass sets every depth.
    const depth = new Int32Array(nodeCount);
    let maxDepth = 0;
    for (let i = nodeCount - 1; i >= 0; i--) {
      const p = nodeParent[i] ?? -1;
      const d = p < 0 ? 0 : (depth[p] ?? 0) + 1;
      depth[i] = d;
      if (d > maxDepth) maxDepth = d;
    }
    this.nodeDepth = depth;
    let steps = 1;
    while (1 << steps <= maxDepth) steps++;
    this.liftSteps = steps;
    const ancestors = new Int32Array(steps * nodeCount);
    for (let i = 0; i < nodeCount; i++) {
      const p = nodeParent[i] ?? -1;
      ancestors[i] = p < 0 ? i : p;
    }
    for (let k = 1; k < steps; k++) {
      const prev = (k - 1) * nodeCount;
      const cur = k * nodeCount;
      for (let i = 0; i < nodeCount; i++) {
        const half = ancestors[prev + i] ?? i;
        ancestors[cur + i] = ancestors[prev + half] ?? half;
      }
    }
    this.ancestors = ancestors;
  }

  /**
   * The least E at which cells a and b (grid indices) lie in one component of {v ≤ E}:
   * the lowest possible maximum of v along a path between them. Infinity when no path of finite
   * cells joins them (either cell non-finite, or a wall of non-finite cells between them).
   * mergeLevel(a, a) is the value at a.
   */
  mergeLevel(cellA: number, cellB: number): number {
    const n = this.cellNode.length;
    if (!Number.isInteger(cellA) || !Number.isInteger(cellB) || cellA < 0 || cellB < 0 || cellA >= n || cellB >= n) {
      throw new RangeError(`cells must be grid indices in [0, ${n}), got ${cellA} and ${cellB}`);
    }
    const nodeA = this.cellNode[cellA] ?? -1;
    const nodeB = this.cellNode[cellB] ?? -1;
    if (nodeA < 0 || nodeB < 0) return Infinity;
    const common = this.commonAncestor(nodeA, nodeB);
    if (common < 0) return Infinity;
    const va = this.values[cellA] ?? Infinity;
    const vb = this.values[cellB] ?? Infinity;
    return Math.max(va, vb, this.nodeLevel[common] ?? Infinity);
  }

  private commonAncestor(a: number, b: number): number {
    const up = this.ancestors;
    const count = this.nodeCount;
    let u = a;
    let w = b;
    let du = this.nodeDepth[u] ?? 0;
    let dw = this.nodeDepth[w] ?? 0;
    if (du < dw) {
      [u, w] = [w, u];
      [du, dw] = [dw, du];
    }
    for (let diff = du - dw, k = 0; diff > 0; diff >>= 1, k++) {
      if (diff & 1) u = up[k * count + u] ?? u;
    }
    if (u === w) return u;
    for (let k = this.liftSteps - 1; k >= 0; k--) {
      const uk = up[k * count + u] ?? u;
      const wk = up[k * count + w] ?? w;
      if (uk !== wk) {
        u = uk;
        w = wk;
      }
    }
    u = up[u] ?? u;
    w = up[w] ?? w;
    return u === w ? u : -1;
  }
}

/**
 * Sweeps the finite cells in ascending value order (a Kruskal sweep with union-find): a cell
 * joins when the level reaches its value and merges with its active neighbours. A cell with no
 * active neighbour is a birth (a local minimum); a merge of two components ends the younger
 * one (elder rule). Copies `values`, so the tree stays valid if the caller reuses the array.
 */
export function buildMergeTree(
  values: Float32Array,
  nx: number,
  ny: number,
  connectivity: Connectivity,
  options: MergeTreeOptions = {},
): MergeTree {
  assertGrid(values, nx, ny);
  assertConnectivity(connectivity);
  const n = nx * ny;
  const order = sortFiniteCells(values);
  const m = order.length;

  // Union-find over cells; −1 marks a cell the sweep has not reached.
  const parent = new Int32Array(n).fill(-1);
  const size = new Int32Array(n);
  const compNode = new Int32Array(n);
  const compMinimum = new Int32Array(n);
  const cellNode = new Int32Array(n).fill(-1);

  const nodeCapacity = Math.max(1, 2 * m);
  const nodeLevel = new Float64Array(nodeCapacity);
  const nodeParent = new Int32Array(nodeCapacity).fill(-1);
  let nodeCount = 0;

  const minimaCapacity = Math.max(1, Math.ceil(n / 2));
  const minCell = new Int32Array(minimaCapacity);
  const minDeath = new Float64Array(minimaCapacity).fill(Infinity);
  const minInto = new Int32Array(minimaCapacity).fill(-1);
  let minimaCount = 0;

  const dx = connectivity === 8 ? [-1, 1, 0, 0, -1, 1, -1, 1] : [-1, 1, 0, 0];
  const dy = connectivity === 8 ? [0, 0, -1, 1, -1, -1, 1, 1] : [0, 0, -1, 1];
  const neighbourCount = dx.length;

  for (let s = 0; s < m; s++) {
    const cell = order[s] ?? 0;
    const level = values[cell] ?? Infinity;
    const ix = cell % nx;
    const iy = (cell - ix) / nx;
    let root = -1;
    for (let k = 0; k < neighbourCount; k++) {
      const jx = ix + (dx[k] ?? 0);
      const jy = iy + (dy[k] ?? 0);
      if (jx < 0 || jy < 0 || jx >= nx || jy >= ny) continue;
      const nb = jy * nx + jx;
      if ((parent[nb] ?? -1) < 0) continue;
      const r = findRoot(parent, nb);
      if (root < 0) {
        root = r;
        continue;
      }
      if (r === root) continue;
      // Two components meet at this level: the younger dies into the elder.
      const minA = compMinimum[root] ?? 0;
      const minB = compMinimum[r] ?? 0;
      const elder = minA < minB ? minA : minB;
      const younger = minA < minB ? minB : minA;
      minDeath[younger] = level;
      minInto[younger] = elder;
      const node = nodeCount++;
      nodeLevel[node] = level;
      nodeParent[compNode[root] ?? 0] = node;
      nodeParent[compNode[r] ?? 0] = node;
      const big = (size[root] ?? 0) >= (size[r] ?? 0) ? root : r;
      const small = big === root ? r : root;
      parent[small] = big;
      size[big] = (size[big] ?? 0) + (size[small] ?? 0);
      compNode[big] = node;
      compMinimum[big] = elder;
      root = big;
    }
    if (root < 0) {
      const node = nodeCount++;
      nodeLevel[node] = level;
      parent[cell] = cell;
      size[cell] = 1;
      compNode[cell] = node;
      compMinimum[cell] = minimaCount;
      minCell[minimaCount++] = cell;
      cellNode[cell] = node;
    } else {
      parent[cell] = root;
      size[root] = (size[root] ?? 0) + 1;
      cellNode[cell] = compNode[root] ?? -1;
    }
  }

  const all: LocalMinimum[] = new Array<LocalMinimum>(minimaCount);
  for (let i = 0; i < minimaCount; i++) {
    const cell = minCell[i] ?? 0;
    const birth = values[cell] ?? Infinity;
    const death = minDeath[i] ?? Infinity;
    all[i] = { cell, birth, death, persistence: death - birth, mergesInto: minInto[i] ?? -1 };
  }
  const { minima, gridMinima } = options.mergeUnresolved === true ? mergeUnresolved(all, values, nx, ny) : keepAll(all);
  return new MergeTree(
    nx,
    ny,
    connectivity,
    values.slice(),
    minima,
    gridMinima,
    cellNode,
    nodeLevel.slice(0, nodeCount),
    nodeParent.slice(0, nodeCount),
  );
}

function keepAll(all: readonly LocalMinimum[]): { minima: readonly LocalMinimum[]; gridMinima: readonly GridMinimum[] } {
  return { minima: all, gridMinima: all.map((m, i) => ({ cell: m.cell, birth: m.birth, countsAs: i })) };
}

/** Keeps the minima that {@link UNRESOLVED_RULE} resolves; each other one counts as the resolved minimum it merges into. */
function mergeUnresolved(
  all: readonly LocalMinimum[],
  values: Float32Array,
  nx: number,
  ny: number,
): { minima: readonly LocalMinimum[]; gridMinima: readonly GridMinimum[] } {
  const { min, max } = finiteRange(values);
  const floor = UNRESOLVED_RULE.rangeFraction * (max - min);
  // Minima come in birth order and merge into earlier ones, so one forward pass resolves every chain.
  const countsAs = new Int32Array(all.length);
  const kept: number[] = [];
  for (let i = 0; i < all.length; i++) {
    const m = all[i];
    if (m === undefined) continue;
    const tolerance = Math.max(floor, UNRESOLVED_RULE.gridStepFraction * largestRise(values, nx, ny, m.cell));
    if (m.mergesInto < 0 || m.persistence > tolerance) {
      countsAs[i] = kept.length;
      kept.push(i);
    } else {
      countsAs[i] = countsAs[m.mergesInto] ?? 0;
    }
  }
  const minima = kept.map((i): LocalMinimum => {
    const m = all[i] ?? { cell: 0, birth: Infinity, death: Infinity, persistence: Infinity, mergesInto: -1 };
    return { ...m, mergesInto: m.mergesInto < 0 ? -1 : (countsAs[m.mergesInto] ?? -1) };
  });
  return { minima, gridMinima: all.map((m, i) => ({ cell: m.cell, birth: m.birth, countsAs: countsAs[i] ?? 0 })) };
}

/** The largest rise from a cell to one of its 8 grid neighbours with a finite value (0 when none rises). */
function largestRise(values: Float32Array, nx: number, ny: number, cell: number): number {
  const ix = cell % nx;
  const iy = (cell - ix) / nx;
  const v = values[cell] ?? 0;
  let rise = 0;
  for (let jy = Math.max(0, iy - 1); jy <= Math.min(ny - 1, iy + 1); jy++) {
    for (let jx = Math.max(0, ix - 1); jx <= Math.min(nx - 1, ix + 1); jx++) {
      const w = values[jy * nx + jx] ?? NaN;
      if (Number.isFinite(w) && w - v > rise) rise = w - v;
    }
  }
  return rise;
}

function finiteRange(values: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min > max ? { min: 0, max: 0 } : { min, max };
}

/**
 * The lowest barrier between two cells, building the whole tree for one query. Build the tree
 * once with {@link buildMergeTree} when asking about more than one pair.
 */
export function mergeLevel(values: Float32Array, nx: number, ny: number, cellA: number, cellB: number, connectivity: Connectivity): number {
  return buildMergeTree(values, nx, ny, connectivity).mergeLevel(cellA, cellB);
}

/**
 * Indices of the finite cells in ascending value order, ties in index order: an LSD radix sort
 * (11-bit digits, stable) over the float bits mapped to unsigned integers in value order.
 */
export function sortFiniteCells(values: Float32Array): Int32Array {
  const n = values.length;
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  let m = 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i] ?? NaN)) m++;
  let keys = new Uint32Array(m);
  let cells = new Int32Array(m);
  let j = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i] ?? NaN)) continue;
    // −0 takes the key of +0 so that equal values stay in index order.
    const b = values[i] === 0 ? 0 : (bits[i] ?? 0);
    // Negative floats order reversed by their bits: flip all; positive: set the sign bit.
    keys[j] = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    cells[j++] = i;
  }
  let keysOut = new Uint32Array(m);
  let cellsOut = new Int32Array(m);
  const counts = new Int32Array(2048);
  for (let shift = 0; shift < 32; shift += 11) {
    counts.fill(0);
    for (let i = 0; i < m; i++) {
      const digit = ((keys[i] ?? 0) >>> shift) & 2047;
      counts[digit] = (counts[digit] ?? 0) + 1;
    }
    // A digit shared by every key leaves the order as it is.
    if (m === 0 || counts[((keys[0] ?? 0) >>> shift) & 2047] === m) continue;
    let total = 0;
    for (let d = 0; d < 2048; d++) {
      const c = counts[d] ?? 0;
      counts[d] = total;
      total += c;
    }
    for (let i = 0; i < m; i++) {
      const key = keys[i] ?? 0;
      const digit = (key >>> shift) & 2047;
      const at = counts[digit] ?? 0;
      counts[digit] = at + 1;
      keysOut[at] = key;
      cellsOut[at] = cells[i] ?? 0;
    }
    [keys, keysOut] = [keysOut, keys];
    [cells, cellsOut] = [cellsOut, cells];
  }
  return cells;
}
