/**
 * A model bundle's surface: the loss of the bundle's own network, weights and data over the plane
 * θ + α·d₁ + β·d₂ at the state's grid size and span, on the engine's backends like any other surface:
 * the bundle's directions when it has them, else seeded Gaussian ones as the page draws them.
 */
import type { ModelBundle } from '../io/bundle';
import { randomDirection, type Plane } from '../landscape/directions';
import type { Surface } from '../landscape/surface';
import { deriveSeed } from '../model/rng';
import { assertValidSpec } from '../model/spec';
import type { AppState } from '../state/appState';
import { mlpModel } from './mlpModel';
import type { Engine } from './pipeline';

export async function bundleSurface(
  engine: Engine,
  bundle: ModelBundle,
  name: string,
  state: AppState,
  signal: AbortSignal,
  onProgress: (fraction: number) => void,
): Promise<{ surface: Surface; plane: Plane; warnings: string[] }> {
  assertValidSpec(bundle.spec);
  const model = mlpModel(bundle.spec, { m: bundle.m, inputs: bundle.spec.inputs, x: bundle.x, y: bundle.y });
  if (bundle.theta.length !== model.layout.size)
    throw new Error(`bundle: ${bundle.theta.length} weights, the network has ${model.layout.size}`);
  const opts = { filterNormalize: state.plane.filterNormalize, keepBias: state.plane.keepBiasDirections };
  const plane: Plane = {
    center: bundle.theta,
    directionX: bundle.directionX ?? randomDirection(model.layout, bundle.theta, deriveSeed(state.seed, 'direction.x'), opts),
    directionY: bundle.directionY ?? randomDirection(model.layout, bundle.theta, deriveSeed(state.seed, 'direction.y'), opts),
  };
  const warnings: string[] = [];
  const { gridSize, span } = state.plane;
  const surface = await engine.planeSurface(model, plane, gridSize, span, signal, onProgress, warnings, 0, { name, format: 'bundle' });
  return { surface, plane, warnings };
}
