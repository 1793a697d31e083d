/**
 * Single-linkage clustering of K items from a symmetric matrix of distances (here: barriers between
 * minima). Two clusters merge at the smallest distance between any of their members, so the merge
 * level of a pair is the lowest E at which the graph of pairs joined below E puts them in one
 * component (the minimax path distance). The leaf order of the dendrogram puts items that merge
 * low next to each other, which is the order a heat map of the matrix is drawn in.
 */

export interface SingleLinkage {
  /** The items in dendrogram leaf order (a permutation of 0 … K−1). */
  readonly order: number[];
  /** merge[i][j]: the level at which i and j first share a cluster (0 on the diagonal, Infinity if never). */
  readonly merge: number[][];
  /** The K − 1 merges, lowest first: the two clusters' members and the level. */
  readonly steps: { readonly left: number[]; readonly right: number[]; readonly level: number }[];
}

/** NaN counts as Infinity (never joined); the matrix is read symmetrically as min(d[i][j], d[j][i]). */
export function singleLinkage(distances: readonly (readonly number[])[]): SingleLinkage {
  const K = distances.length;
  const d = (i: number, j: number): number => {
    const a = distances[i]?.[j] ?? Number.NaN;
    const b = distances[j]?.[i] ?? Number.NaN;
    return Math.min(Number.isNaN(a) ? Infinity : a, Number.isNaN(b) ? Infinity : b);
  };
  for (const row of distances) if (row.length !== K) throw new Error(`singleLinkage: a ${K}-row matrix has a row of ${row.length}`);
  const merge = Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => (i === j ? 0 : Infinity)));
  let clusters: number[][] = Array.from({ length: K }, (_, i) => [i]);
  const steps: { left: number[]; right: number[]; level: number }[] = [];
  while (clusters.length > 1) {
    let best = { p: 0, q: 1, level: Infinity };
    for (let p = 0; p < clusters.length; p++) {
      for (let q = p + 1; q < clusters.length; q++) {
        let level = Infinity;
        for (const i of clusters[p] ?? []) for (const j of clusters[q] ?? []) level = Math.min(level, d(i, j));
        // Strictly lower only: ties keep the first pair, so the order is deterministic.
        if (level < best.level) best = { p, q, level };
      }
    }
    const left = clusters[best.p] ?? [];
    const right = clusters[best.q] ?? [];
    for (const i of left)
      for (const j of right) {
        const row = merge[i];
        const col = merge[j];
        if (row) row[j] = best.level;
        if (col) col[i] = best.level;
      }
    steps.push({ left: [...left], right: [...right], level: best.level });
    clusters = clusters.filter((_, k) => k !== best.q).map((c, k) => (k === best.p ? [...left, ...right] : c));
  }
  return { order: clusters[0] ?? [], merge, steps };
}
