/** Small surfaces and bundles for the file-format tests. */
import type { Surface } from '../../src/landscape/surface';
import type { SurfaceRecipe } from '../../src/io/gridData';
import type { ModelBundle } from '../../src/io/bundle';

export function makeSurface(nx: number, ny: number, opts: { accuracy?: boolean; holes?: boolean } = {}): Surface {
  const alphas = Float32Array.from({ length: nx }, (_, i) => -1 + (2 * i) / (nx - 1));
  const betas = Float32Array.from({ length: ny }, (_, i) => -0.5 + i / (ny - 1));
  const loss = new Float32Array(nx * ny);
  const accuracy = new Float32Array(nx * ny);
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) {
      const a = alphas[ix] ?? 0;
      const b = betas[iy] ?? 0;
      loss[iy * nx + ix] = 0.1 + a * a + 3 * b * b + 0.37 * a + 0.01 * ix * iy;
      accuracy[iy * nx + ix] = (ix + iy) / (nx + ny);
    }
  }
  if (opts.holes === true) loss[1] = NaN;
  let min = Infinity;
  let max = -Infinity;
  for (const v of loss)
    if (Number.isFinite(v)) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  return {
    gridSize: nx,
    ...(nx !== ny ? { ny } : {}),
    span: 1,
    alphas,
    betas,
    loss,
    ...(opts.accuracy === true ? { accuracy } : {}),
    min,
    max,
    centerLoss: 0.1,
    nonFinite: opts.holes === true ? 1 : 0,
    device: 'cpu',
    adapter: 'test',
    timings: { gridMs: 0, trainMs: 0 },
  };
}

export function makeBundle(): ModelBundle {
  const spec = { inputs: 2, hidden: [3], outputs: 1, activation: 'tanh', loss: 'mse', bias: true } as const;
  const size = 3 * 2 + 3 + 1 * 3 + 1;
  const theta = Float32Array.from({ length: size }, (_, i) => Math.sin(i + 1));
  const m = 5;
  const x = Float32Array.from({ length: m * 2 }, (_, i) => Math.cos(i) * 0.5);
  const y = Float32Array.from({ length: m }, (_, i) => i / m);
  return {
    spec: { ...spec, hidden: [...spec.hidden] },
    theta,
    m,
    x,
    y,
    directionX: theta.map((v) => v * 0.5),
    directionY: theta.map((v) => -v),
  };
}

export function makeRecipe(): SurfaceRecipe {
  const b = makeBundle();
  return {
    spec: b.spec,
    theta: b.theta,
    directionX: b.directionX ?? b.theta,
    directionY: b.directionY ?? b.theta,
    x: b.x,
    y: b.y,
    seed: 7,
    stateHash: 'seed=7&grid=5',
  };
}
