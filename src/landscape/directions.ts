import { segmentFilters, type ModelLayout } from '../model/layout';
import { Rng, deriveSeed } from '../model/rng';
import { paramLayout, type MlpSpec } from '../model/spec';

/** A model's parameter layout; a built-in network's spec stands for its own layout. */
export type LayoutSource = ModelLayout | MlpSpec;

function layoutOf(source: LayoutSource): ModelLayout {
  return 'segments' in source ? source : paramLayout(source);
}

export interface DirectionOptions {
  /** Scale each row of each weight matrix to the norm of the same row of θ₀ (Li et al. 2018). */
  readonly filterNormalize: boolean;
  /** Keep random bias components (filter-normalised per bias vector); zeroed by default. */
  readonly keepBias: boolean;
}

/**
 * A Gaussian random direction in parameter space, seeded. With filter normalisation every row
 * ("filter": an output row of a linear layer, an output channel of a convolution) of every weight
 * tensor is rescaled to the norm of the same row of θ₀, so the plane's coordinates mean the same thing
 * at every layer whatever the weights' scale. Biases and normalisation parameters are zero unless
 * `keepBias`; running statistics are never moved.
 */
export function randomDirection(model: LayoutSource, thetaCenter: Float32Array, seed: number, opts: DirectionOptions): Float32Array {
  const layout = layoutOf(model);
  const rng = new Rng(seed);
  const d = new Float32Array(layout.size);
  for (let i = 0; i < d.length; i++) d[i] = rng.normal();
  for (const seg of layout.segments) {
    const filters = segmentFilters(seg);
    const fixed = seg.kind === 'running-stat' || ((seg.kind === 'bias' || seg.kind === 'norm') && !opts.keepBias);
    if (!fixed && !opts.filterNormalize) continue;
    for (let f = 0; f < filters.count; f++) {
      const start = filters.start(f);
      const end = start + filters.length * filters.stride;
      if (fixed) for (let k = start; k < end; k += filters.stride) d[k] = 0;
      else normalizeFilter(d, thetaCenter, start, end, filters.stride);
    }
  }
  return d;
}

/** Scale the elements start, start + stride, … < end of d to the norm of the same elements of θ. */
function normalizeFilter(d: Float32Array, theta: Float32Array, start: number, end: number, stride: number): void {
  let dn = 0;
  let tn = 0;
  for (let k = start; k < end; k += stride) {
    dn += (d[k] ?? 0) ** 2;
    tn += (theta[k] ?? 0) ** 2;
  }
  const scale = dn > 0 ? Math.sqrt(tn) / Math.sqrt(dn) : 0;
  for (let k = start; k < end; k += stride) d[k] = (d[k] ?? 0) * scale;
}

/** The plane θ(α, β) = θ₀ + α·d₁ + β·d₂. */
export interface Plane {
  readonly center: Float32Array;
  readonly directionX: Float32Array;
  readonly directionY: Float32Array;
}

/** A plane through θ₀: the centre and two directions. */
export interface PlaneVectors {
  readonly center: Float32Array;
  readonly directionX: Float32Array;
  readonly directionY: Float32Array;
}

/**
 * The page's plane through θ₀: two seeded random directions (seeds derived from `seed` as
 * 'direction.x' and 'direction.y'); `wholeSpace` (the 2-parameter u·v·x network) uses the unit axes,
 * so the plane is the entire weight space.
 */
export function planeThrough(
  model: LayoutSource,
  theta: Float32Array,
  seed: number,
  opts: DirectionOptions & { readonly wholeSpace: boolean },
): PlaneVectors {
  const layout = layoutOf(model);
  if (opts.wholeSpace && layout.size === 2) {
    return { center: theta, directionX: new Float32Array([1, 0]), directionY: new Float32Array([0, 1]) };
  }
  return {
    center: theta,
    directionX: randomDirection(layout, theta, deriveSeed(seed, 'direction.x'), opts),
    directionY: randomDirection(layout, theta, deriveSeed(seed, 'direction.y'), opts),
  };
}
