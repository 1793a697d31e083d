/**
 * The first stage of the pipeline, shared by the page's engine and the command line: the data set and
 * the network a state asks for.
 */
import { assertValidSpec, type MlpSpec } from '../model/spec';
import type { AppState } from '../state/appState';
import { outputsFor, type Dataset } from './dataset';
import { makeDataset } from './generators';

type Recipe = Pick<AppState, 'seed' | 'data' | 'model'>;

/** The spec the state asks for; the scalar example u·v·x has its fixed 2-parameter network. */
export function specFor(state: Pick<AppState, 'data' | 'model'>, data: Dataset): MlpSpec {
  if (state.data.kind === 'uvx') {
    return { inputs: 1, hidden: [1], outputs: 1, activation: 'identity', loss: 'mse', bias: false };
  }
  return {
    inputs: data.inputs,
    hidden: [...state.model.hidden],
    outputs: outputsFor(data, state.model.loss),
    activation: state.model.activation,
    loss: state.model.loss,
    bias: state.model.bias,
    residual: state.model.residual,
  };
}

/** The data set and network of a state, validated (throws with the first problem). */
export function buildData(state: Recipe): { data: Dataset; spec: MlpSpec } {
  const data = makeDataset(state.data.kind, { ...state.data, seed: state.seed }, state.data.kind === 'uvx' ? 'mse' : state.model.loss);
  const spec = specFor(state, data);
  assertValidSpec(spec);
  return { data, spec };
}
