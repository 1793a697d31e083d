/**
 * What a data set fixes of the network, so the panel can show the network in use rather than the
 * state's fields that the engine ignores: u·v·x is always the 1-1-1 identity network without bias
 * (f(x) = u·v·x, squared loss), regression data takes only the squared loss, and the data decides the
 * input width, the class count and so the output width. `state` may not import `data`, so this
 * mirrors specFor (src/data/recipe.ts) and outputsFor (src/data/dataset.ts); a test keeps them equal.
 */
import type { AppState, DatasetKind } from './appState';
import { REGRESSION_DATASETS } from './urlCodec';

type Model = AppState['model'];

export interface FixedByData {
  /** Model fields the data set decides, with the values the engine uses. */
  readonly model: Partial<Model>;
  /** The class count the data set has (null: regression data, no classes), when the state's is not used. */
  readonly classes?: number | null;
  /** Why, in a few words, for the panel. */
  readonly reason: string;
}

const INPUTS: Record<DatasetKind, number> = { spiral: 2, moons: 2, circles: 2, xor: 2, blobs: 2, sine: 1, uvx: 1, digits: 64 };

/** The class count the data set has (0 for regression data). */
export function classesOf(state: Pick<AppState, 'data'>): number {
  const { kind, classes } = state.data;
  switch (kind) {
    case 'spiral':
      return Math.min(3, Math.max(2, classes));
    case 'blobs':
      return Math.min(10, Math.max(2, classes));
    case 'digits':
      return 10;
    case 'sine':
    case 'uvx':
      return 0;
    default:
      return 2;
  }
}

/** The model fields and class count the state's data set fixes; null when it fixes none of them. */
export function fixedByData(state: Pick<AppState, 'data' | 'model'>): FixedByData | null {
  const kind = state.data.kind;
  if (kind === 'uvx') {
    return {
      model: { hidden: [1], activation: 'identity', loss: 'mse', bias: false, residual: false },
      classes: null,
      reason: 'fixed by u·v·x: the network is f(x) = u·v·x, two weights, no bias, squared loss',
    };
  }
  if (REGRESSION_DATASETS.includes(kind)) {
    return { model: { loss: 'mse' }, classes: null, reason: `fixed by ${kind}: regression data takes the squared loss only` };
  }
  if (kind === 'digits' || kind === 'moons' || kind === 'circles' || kind === 'xor') {
    return { model: {}, classes: classesOf(state), reason: `fixed by ${kind}: ${INPUTS[kind]} inputs, ${classesOf(state)} classes` };
  }
  return null;
}

/** Layer widths of the network the engine builds for a state, input to output. */
export function widthsInUse(state: Pick<AppState, 'data' | 'model'>): number[] {
  const model = { ...state.model, ...(fixedByData(state)?.model ?? {}) };
  const classes = classesOf(state);
  const outputs =
    model.loss === 'mse' ? (classes > 0 ? (classes === 2 ? 1 : classes) : 1) : model.loss === 'bce' ? 1 : Math.max(2, classes);
  return [INPUTS[state.data.kind], ...model.hidden, outputs];
}

/** The network in use in one line, e.g. "64-32-10 tanh · cross_entropy · biases". */
export function describeNetworkInUse(state: Pick<AppState, 'data' | 'model'>): string {
  const model = { ...state.model, ...(fixedByData(state)?.model ?? {}) };
  return (
    `${widthsInUse(state).join('-')} ${model.activation} · ${model.loss}` +
    ` · ${model.bias ? 'biases' : 'no bias'}${model.residual ? ' · residual' : ''}`
  );
}

/**
 * Titles of the plane's two axes for a state: u and v where the plane is the whole weight space
 * (u·v·x: θ = (u, v), θ₀ = 0, d₁ = (1, 0), d₂ = (0, 1), so α ≡ u and β ≡ v); else α and β.
 */
export function axisNamesOf(state: Pick<AppState, 'data'>): readonly [string, string] {
  return state.data.kind === 'uvx' ? ['u', 'v'] : ['α', 'β'];
}
