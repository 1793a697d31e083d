/**
 * Root of i in a union-find forest stored as parent indices (a root is its own parent), with
 * path halving. Shared by the sublevel labelling and the merge-tree sweep.
 */
export function findRoot(parent: Int32Array, i: number): number {
  let x = i;
  let p = parent[x] ?? x;
  while (p !== x) {
    const grand = parent[p] ?? p;
    parent[x] = grand;
    x = grand;
    p = parent[x] ?? x;
  }
  return x;
}
