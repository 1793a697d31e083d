/**
 * Curvature planes: the plane through θ₀ spanned by two Hessian eigenvectors, (v_max, v_min) or
 * (v₁, v₂), each of unit length (so α and β are Euclidean distances in weight space), and the Hessian
 * job's oracle over any backend.
 */
import type { HessianResult, CurvatureOracle, Eigenpair } from '../landscape/hessian';
import type { Plane } from '../landscape/directions';
import type { PlaneDirections } from '../state/appState';
import type { Backend } from './backend';
import type { LandscapeModel } from './model';

/** Which eigenpair an axis of a curvature plane follows, for the read-out. */
export interface CurvatureAxis {
  /** 'v_max', 'v_min', 'v₂'. */
  readonly name: string;
  readonly eigenvalue: number;
}

export interface CurvatureAxes {
  readonly directions: Exclude<PlaneDirections, 'random'>;
  readonly x: CurvatureAxis;
  readonly y: CurvatureAxis;
  readonly hessian: HessianResult;
}

/** The plane of two eigenvectors through θ₀ and what its axes are. */
export function curvaturePlane(
  hessian: HessianResult,
  directions: Exclude<PlaneDirections, 'random'>,
  theta: Float32Array,
): { plane: Plane; axes: CurvatureAxes } {
  const [first, second] = hessian.top;
  const lowest = hessian.bottom[0];
  if (first === undefined) throw new Error('the Hessian job found no eigenvector');
  let y: Eigenpair | undefined;
  let yName: string;
  if (directions === 'hessian') {
    y = lowest ?? hessian.top[hessian.top.length - 1];
    yName = 'v_min';
  } else {
    y = second ?? lowest;
    yName = 'v₂';
  }
  if (y === undefined || y === first) throw new Error('a curvature plane needs two eigenvectors; this model has one parameter');
  return {
    plane: { center: theta, directionX: Float32Array.from(first.vector), directionY: Float32Array.from(y.vector) },
    axes: { directions, x: { name: 'v_max', eigenvalue: first.value }, y: { name: yName, eigenvalue: y.value }, hessian },
  };
}

/** H·v and the loss of `model` at θ on one backend, for computeHessian. */
export function backendOracle(backend: Backend, model: LandscapeModel, theta: Float32Array, signal: AbortSignal): CurvatureOracle {
  return {
    size: model.layout.size,
    products: (vectors, count) => backend.hessianVectorProducts(model, theta, vectors, count, { signal }),
    losses: async (thetas, count) => (await backend.lossAt(model, thetas, count, { signal })).losses,
  };
}
