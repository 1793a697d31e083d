/**
 * Connected components of a strict sublevel set {v < level} of a grid slice.
 *
 * Grid convention: `values[iy * nx + ix]`. A non-finite value (±Inf, NaN) is above every level,
 * so such a cell is never in a sublevel set.
 */
import { findRoot } from './unionFind';

/** 4: cells that share an edge are neighbours; 8: cells that share an edge or a corner. */
export type Connectivity = 4 | 8;

export interface SublevelComponents {
  /** Number of connected components of {v < level}. */
  readonly components: number;
  /**
   * Per cell, index `iy * nx + ix`: −1 where the value is not below the level, else the
   * component 0..components−1, numbered in scan order of each component's first cell.
   */
  readonly labels: Int32Array;
  /** Cell count of each component, length `components`. */
  readonly sizes: Int32Array;
}

/** Throws a RangeError unless `values` is an nx × ny grid. */
export function assertGrid(values: Float32Array, nx: number, ny: number): void {
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 1 || ny < 1) {
    throw new RangeError(`grid size must be positive integers, got ${nx} × ${ny}`);
  }
  if (values.length !== nx * ny) {
    throw new RangeError(`values has length ${values.length}, expected nx·ny = ${nx * ny}`);
  }
}

/** Throws a RangeError unless `connectivity` is 4 or 8 (the type alone does not hold at run time for untyped callers). */
export function assertConnectivity(connectivity: number): asserts connectivity is Connectivity {
  if (connectivity !== 4 && connectivity !== 8) {
    throw new RangeError(`connectivity must be 4 or 8, got ${connectivity}`);
  }
}

/** A component count never exceeds the largest independent set of the grid graph. */
function maxComponents(cellCount: number): number {
  return Math.ceil(cellCount / 2);
}

/**
 * Labels the components of {v < level} and returns them. Allocates the sizes; pass `out`
 * (length nx·ny) to reuse a labels buffer. For repeated calls on one grid size (a level slider)
 * use {@link SublevelLabeler}, which allocates nothing per call.
 */
export function labelSublevel(
  values: Float32Array,
  nx: number,
  ny: number,
  level: number,
  connectivity: Connectivity,
  out?: Int32Array,
): SublevelComponents {
  assertGrid(values, nx, ny);
  assertConnectivity(connectivity);
  const n = nx * ny;
  if (out !== undefined && out.length !== n) {
    throw new RangeError(`out has length ${out.length}, expected nx·ny = ${n}`);
  }
  const labels = out ?? new Int32Array(n);
  const sizes = new Int32Array(maxComponents(n));
  const components = labelInto(values, nx, ny, level, connectivity === 8, labels, sizes);
  return { components, labels, sizes: sizes.slice(0, components) };
}

/**
 * Preallocated labeller for one grid size. `label` returns views into buffers owned by the
 * labeller: they stay valid until the next call, so copy what must outlive it.
 */
export class SublevelLabeler {
  readonly nx: number;
  readonly ny: number;
  private readonly labels: Int32Array;
  private readonly sizes: Int32Array;

  constructor(nx: number, ny: number) {
    if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 1 || ny < 1) {
      throw new RangeError(`grid size must be positive integers, got ${nx} × ${ny}`);
    }
    this.nx = nx;
    this.ny = ny;
    this.labels = new Int32Array(nx * ny);
    this.sizes = new Int32Array(maxComponents(nx * ny));
  }

  label(values: Float32Array, level: number, connectivity: Connectivity): SublevelComponents {
    assertGrid(values, this.nx, this.ny);
    assertConnectivity(connectivity);
    const components = labelInto(values, this.nx, this.ny, level, connectivity === 8, this.labels, this.sizes);
    return { components, labels: this.labels, sizes: this.sizes.subarray(0, components) };
  }
}

/**
 * Two passes over the grid, with no scratch memory beyond `labels` and `sizes`.
 *
 * Pass 1 builds a union-find forest inside `labels`: every parent link points to a smaller
 * index (a union links the larger root under the smaller, path halving only shortens links),
 * so each root is its component's first cell in scan order. Pass 2 walks in scan order and
 * replaces each parent link by a final label: the parent was relabelled before the child, so
 * one read resolves the whole path.
 */
function labelInto(
  values: Float32Array,
  nx: number,
  ny: number,
  level: number,
  eight: boolean,
  labels: Int32Array,
  sizes: Int32Array,
): number {
  for (let iy = 0; iy < ny; iy++) {
    const row = iy * nx;
    for (let ix = 0; ix < nx; ix++) {
      const i = row + ix;
      const v = values[i] ?? NaN;
      // `v < level` is false for NaN and +Inf; −Inf needs its own test.
      if (!(v < level) || v === -Infinity) {
        labels[i] = -1;
        continue;
      }
      labels[i] = i;
      const hasLeft = ix > 0 && (labels[i - 1] ?? -1) >= 0;
      if (iy === 0) {
        if (hasLeft) union(labels, i, i - 1);
        continue;
      }
      const up = i - nx;
      const hasUp = (labels[up] ?? -1) >= 0;
      if (!eight) {
        if (hasUp) union(labels, i, up);
        if (hasLeft) union(labels, i, i - 1);
        continue;
      }
      // Under 8-connectivity the up cell already touches up-left, up-right and left, so when
      // it is in the set it is the only union needed; otherwise left and up-left touch each
      // other and one of them suffices.
      if (hasUp) {
        union(labels, i, up);
        continue;
      }
      if (hasLeft) union(labels, i, i - 1);
      else if (ix > 0 && (labels[up - 1] ?? -1) >= 0) union(labels, i, up - 1);
      if (ix + 1 < nx && (labels[up + 1] ?? -1) >= 0) union(labels, i, up + 1);
    }
  }

  let components = 0;
  const n = nx * ny;
  for (let i = 0; i < n; i++) {
    const parent = labels[i] ?? -1;
    if (parent < 0) continue;
    let label: number;
    if (parent === i) {
      label = components++;
      sizes[label] = 0;
    } else {
      label = labels[parent] ?? 0;
    }
    labels[i] = label;
    sizes[label] = (sizes[label] ?? 0) + 1;
  }
  return components;
}

function union(parent: Int32Array, a: number, b: number): void {
  const ra = findRoot(parent, a);
  const rb = findRoot(parent, b);
  if (ra < rb) parent[rb] = ra;
  else if (rb < ra) parent[ra] = rb;
}
