/**
 * Everything the sublevel tools ask of one surface: labels of {L < E} at any level, the merge
 * tree per connectivity (built once, on first use), merge levels between any two grid points,
 * and a stable identity for each component (its deepest minimum) so colours do not jump while
 * the level moves.
 *
 * Grid convention: `loss[iy * gridSize + ix]`, ix along α, iy along β (see surface.ts).
 *
 * By default the minima the grid does not resolve are merged (mergeTree.ts, UNRESOLVED_RULE): the
 * tree lists only resolved minima, and components of {L < E} whose deepest minimum is unresolved
 * count as one with the component of the minimum they merge into, so a flat valley sampled by the
 * grid is one component, not a string of beads.
 */
import { buildMergeTree, type LocalMinimum, type MergeTree } from './mergeTree';
import { SublevelLabeler, type Connectivity, type SublevelComponents } from './sublevel';

/** A grid point given as its index, its column and row, or the nearest point to (α, β). */
export type GridPoint = number | { readonly ix: number; readonly iy: number } | { readonly alpha: number; readonly beta: number };

/** The part of a Surface these tools read. */
export interface SurfaceGrid {
  readonly gridSize: number;
  /** Rows when they differ from gridSize (non-square grids); see Surface.ny. */
  readonly ny?: number;
  readonly alphas: Float32Array;
  readonly betas: Float32Array;
  readonly loss: Float32Array;
}

export interface LabelledLevel extends SublevelComponents {
  readonly level: number;
  readonly connectivity: Connectivity;
  /**
   * Per component, the index in `tree.minima` of its deepest minimum (−1 if none was found,
   * which cannot happen for a non-empty component). Stable while the level moves: when two
   * components merge, the merged one keeps the elder's id.
   */
  readonly elder: Int32Array;
}

export class SublevelAnalysis {
  readonly gridSize: number;
  /** Grid rows (along β); equals gridSize on square grids. */
  readonly rows: number;
  private readonly grid: SurfaceGrid;
  private readonly labeler: SublevelLabeler;
  private readonly trees = new Map<Connectivity, MergeTree>();
  private readonly elder: Int32Array;

  /** Merge the minima (and their components) that the grid does not resolve. */
  readonly mergeUnresolved: boolean;
  private merged = new Int32Array(0);

  constructor(grid: SurfaceGrid, options: { readonly mergeUnresolved?: boolean } = {}) {
    this.grid = grid;
    this.mergeUnresolved = options.mergeUnresolved ?? true;
    this.gridSize = grid.gridSize;
    this.rows = grid.ny ?? grid.gridSize;
    this.labeler = new SublevelLabeler(grid.gridSize, this.rows);
    this.elder = new Int32Array(Math.ceil((grid.gridSize * this.rows) / 2));
  }

  /** The merge tree for this connectivity, built on first use. */
  tree(connectivity: Connectivity): MergeTree {
    let tree = this.trees.get(connectivity);
    if (tree === undefined) {
      tree = buildMergeTree(this.grid.loss, this.gridSize, this.rows, connectivity, { mergeUnresolved: this.mergeUnresolved });
      this.trees.set(connectivity, tree);
    }
    return tree;
  }

  /**
   * Components of {L < level}. The arrays are views into buffers reused by the next call:
   * copy what must outlive it.
   */
  label(level: number, connectivity: Connectivity): LabelledLevel {
    const raw = this.labeler.label(this.grid.loss, level, connectivity);
    const tree = this.tree(connectivity);
    const gridMinima = tree.gridMinima;
    // Per raw component, the listed minimum its deepest grid minimum counts as. Grid minima come
    // in ascending birth order, so the first one met in a component is its deepest.
    if (this.merged.length < raw.components) this.merged = new Int32Array(raw.components);
    const countsAs = this.merged.subarray(0, raw.components);
    countsAs.fill(-1);
    for (const g of gridMinima) {
      if (!(g.birth < level)) break;
      const label = raw.labels[g.cell] ?? -1;
      if (label >= 0 && countsAs[label] === -1) countsAs[label] = g.countsAs;
    }
    const result = this.mergeComponents(raw, countsAs, tree.minima);
    const elder = this.elder.subarray(0, result.components);
    elder.fill(-1);
    for (let c = 0; c < raw.components; c++) {
      const to = result.relabel[c] ?? -1;
      const m = countsAs[c] ?? -1;
      if (to >= 0 && m >= 0 && (elder[to] === -1 || m < (elder[to] ?? 0))) elder[to] = m;
    }
    return { components: result.components, labels: raw.labels, sizes: result.sizes, level, connectivity, elder };
  }

  /**
   * Joins each raw component whose deepest minimum counts as another listed minimum to the
   * component holding that minimum (that one is born earlier, so it lies below the level too),
   * then renumbers in scan order of each component's first cell, rewriting `raw.labels` in place.
   */
  private mergeComponents(
    raw: SublevelComponents,
    countsAs: Int32Array,
    minima: readonly LocalMinimum[],
  ): { components: number; sizes: Int32Array; relabel: Int32Array } {
    const labels = raw.labels;
    const target = new Int32Array(raw.components);
    let moved = false;
    for (let c = 0; c < raw.components; c++) {
      const m = countsAs[c] ?? -1;
      const cell = m >= 0 ? (minima[m]?.cell ?? -1) : -1;
      const into = cell >= 0 ? (labels[cell] ?? -1) : -1;
      target[c] = into >= 0 ? into : c;
      if (target[c] !== c) moved = true;
    }
    if (!moved) return { components: raw.components, sizes: raw.sizes, relabel: target };
    // A listed minimum's own component counts as itself, so these chains end.
    const root = (c: number): number => {
      let r = c;
      for (let guard = 0; (target[r] ?? r) !== r && guard < raw.components; guard++) r = target[r] ?? r;
      return r;
    };
    const relabel = new Int32Array(raw.components).fill(-1);
    const rootLabel = new Int32Array(raw.components).fill(-1);
    const sizes = new Int32Array(raw.components);
    let components = 0;
    for (let i = 0; i < labels.length; i++) {
      const c = labels[i] ?? -1;
      if (c < 0) continue;
      let to = relabel[c] ?? -1;
      if (to < 0) {
        const r = root(c);
        to = rootLabel[r] ?? -1;
        if (to < 0) {
          to = components++;
          rootLabel[r] = to;
        }
        relabel[c] = to;
      }
      labels[i] = to;
      sizes[to] = (sizes[to] ?? 0) + 1;
    }
    return { components, sizes: sizes.subarray(0, components), relabel };
  }

  /** The lowest E at which points a and b lie in one component of {L ≤ E} in this slice. */
  mergeLevel(a: GridPoint, b: GridPoint, connectivity: Connectivity): number {
    return this.tree(connectivity).mergeLevel(this.resolve(a), this.resolve(b));
  }

  /** Grid index of a point; throws a RangeError that says what was wrong. */
  resolve(point: GridPoint): number {
    return resolveGridPoint(point, this.grid);
  }

  /** The cell nearest to α = β = 0 (θ₀). */
  centerCell(): number {
    return this.resolve({ alpha: 0, beta: 0 });
  }
}

/** Grid index `iy * gridSize + ix` of a point given in any of the {@link GridPoint} forms. */
export function resolveGridPoint(point: unknown, grid: Pick<SurfaceGrid, 'gridSize' | 'ny' | 'alphas' | 'betas'>): number {
  const n = grid.gridSize;
  const rows = grid.ny ?? n;
  const count = n * rows;
  if (typeof point === 'number') {
    if (Number.isInteger(point) && point >= 0 && point < count) return point;
    throw new RangeError(`a grid index must be an integer in [0, ${count}), got ${point}`);
  }
  if (typeof point === 'object' && point !== null) {
    const p = point as Record<string, unknown>;
    const { ix, iy, alpha, beta } = p;
    if (typeof ix === 'number' && typeof iy === 'number') {
      if (Number.isInteger(ix) && Number.isInteger(iy) && ix >= 0 && iy >= 0 && ix < n && iy < rows) return iy * n + ix;
      throw new RangeError(`{ix, iy} must be integers in [0, ${n}) × [0, ${rows}), got {ix: ${ix}, iy: ${iy}}`);
    }
    if (typeof alpha === 'number' && typeof beta === 'number' && Number.isFinite(alpha) && Number.isFinite(beta)) {
      return nearestIndex(grid.betas, beta) * n + nearestIndex(grid.alphas, alpha);
    }
  }
  throw new TypeError('a point is a grid index, {ix, iy} or {alpha, beta} with finite numbers');
}

/** Index of the coordinate nearest to `value` (ties to the lower index). */
export function nearestIndex(coords: Float32Array, value: number): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 0; i < coords.length; i++) {
    const d = Math.abs((coords[i] ?? NaN) - value);
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  return best;
}

/**
 * How many components {L < level} has, read off the persistence pairs: a minimum's component
 * exists for birth < level ≤ death. Equals labelSublevel's count for the tree's connectivity.
 */
export function componentsAlive(minima: readonly LocalMinimum[], level: number): number {
  let count = 0;
  for (const m of minima) if (m.birth < level && level <= m.death) count++;
  return count;
}

/** Indices into `minima` of the `count` most persistent ones (ties: deeper first). */
export function mostPersistent(minima: readonly LocalMinimum[], count: number): number[] {
  const order = minima.map((_, i) => i);
  order.sort((a, b) => {
    const pa = minima[a]?.persistence ?? 0;
    const pb = minima[b]?.persistence ?? 0;
    return pb === pa ? a - b : pb - pa;
  });
  return order.slice(0, Math.max(0, count));
}
