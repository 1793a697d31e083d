/**
 * How honest a picture of a path on a plane is: each point's distance from the plane (the part of
 * θ − centre that the plane's two directions do not hold), and the loss read off the plane's grid at
 * the point's plane coordinates (bilinear), to set beside the point's true loss.
 */

/** ‖δ − Pδ‖ with δ = θ − centre and P the orthogonal projection onto span(directionX, directionY). */
export function offPlaneDistance(
  theta: ArrayLike<number>,
  center: ArrayLike<number>,
  directionX: ArrayLike<number>,
  directionY: ArrayLike<number>,
): number {
  const P = center.length;
  let xx = 0,
    xy = 0,
    yy = 0,
    dx = 0,
    dy = 0,
    dd = 0;
  for (let i = 0; i < P; i++) {
    const delta = (theta[i] ?? 0) - (center[i] ?? 0);
    const u = directionX[i] ?? 0;
    const v = directionY[i] ?? 0;
    xx += u * u;
    xy += u * v;
    yy += v * v;
    dx += delta * u;
    dy += delta * v;
    dd += delta * delta;
  }
  // Normal equations of the 2 × 2 least-squares fit (the directions need not be orthonormal).
  const det = xx * yy - xy * xy;
  if (!(det > 1e-30 * Math.max(1e-300, xx * yy))) throw new Error('offPlaneDistance: the two directions are parallel');
  const a = (dx * yy - dy * xy) / det;
  const b = (dy * xx - dx * xy) / det;
  const kept = a * dx + b * dy;
  return Math.sqrt(Math.max(0, dd - kept));
}

/**
 * The grid's value at plane coordinates (x, y) by bilinear interpolation; the grid has gridSize points
 * per side from −span to span in both coordinates, index iy·gridSize + ix. Outside the grid: NaN.
 */
export function bilinearAt(values: ArrayLike<number>, gridSize: number, span: number, x: number, y: number): number {
  if (gridSize < 2 || !(span > 0)) return Number.NaN;
  const step = (2 * span) / (gridSize - 1);
  const fx = (x + span) / step;
  const fy = (y + span) / step;
  const tol = 1e-9;
  if (!(fx >= -tol && fy >= -tol && fx <= gridSize - 1 + tol && fy <= gridSize - 1 + tol)) return Number.NaN;
  const ix = Math.min(gridSize - 2, Math.max(0, Math.floor(fx)));
  const iy = Math.min(gridSize - 2, Math.max(0, Math.floor(fy)));
  const tx = Math.min(1, Math.max(0, fx - ix));
  const ty = Math.min(1, Math.max(0, fy - iy));
  const at = (i: number, j: number): number => values[j * gridSize + i] ?? Number.NaN;
  return (1 - ty) * ((1 - tx) * at(ix, iy) + tx * at(ix + 1, iy)) + ty * ((1 - tx) * at(ix, iy + 1) + tx * at(ix + 1, iy + 1));
}
