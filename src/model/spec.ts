/** Network specification and the flat parameter layout shared by CPU, GPU and every export. */

export const ACTIVATIONS = ['tanh', 'sigmoid', 'relu', 'leaky_relu', 'softplus', 'gelu', 'identity'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const LOSSES = ['mse', 'cross_entropy', 'bce'] as const;
export type LossKind = (typeof LOSSES)[number];

export const MAX_HIDDEN_LAYERS = 6;

/**
 * A multilayer perceptron: inputs → hidden[0] → … → outputs; `activation` on hidden layers only.
 *
 * Residual (skip) connections, `residual: true` (absent means false): with L affine layers
 * (L = hidden.length + 1), every hidden → hidden layer l, 1 ≤ l ≤ L − 2, whose input and output
 * widths are equal adds its input to its activated output,
 *
 *   h_{l+1} = h_l + σ(W_l·h_l + b_l)        instead of        h_{l+1} = σ(W_l·h_l + b_l).
 *
 * The first layer (inputs → hidden[0]), the output layer (→ logits, never activated) and any
 * hidden layer whose widths differ stay plain. There are no extra parameters: the parameter
 * layout is the same as without skips. Every forward and backward pass (CPU and WGSL) asks
 * `isResidualLayer` which layers add their input, so they all follow this one rule.
 */
export interface MlpSpec {
  readonly inputs: number;
  readonly hidden: readonly number[];
  readonly outputs: number;
  readonly activation: Activation;
  readonly loss: LossKind;
  readonly bias: boolean;
  /** Skip connections around equal-width hidden → hidden layers (see above); absent = false. */
  readonly residual?: boolean;
}

/** One named tensor inside the flat parameter vector. Weights are row-major `W[out][in]`. */
export interface Segment {
  readonly name: string;
  readonly layer: number;
  readonly kind: 'weight' | 'bias';
  /** weight: [out, in]; bias: [out] */
  readonly shape: readonly number[];
  readonly offset: number;
}

/** Per-layer view of the layout, convenient for kernels: y = W·x + b. */
export interface LayerLayout {
  readonly inputs: number;
  readonly outputs: number;
  readonly weightOffset: number;
  /** −1 when the network has no biases. */
  readonly biasOffset: number;
}

export interface ParamLayout {
  readonly segments: readonly Segment[];
  readonly layers: readonly LayerLayout[];
  readonly size: number;
}

/** Widths of every layer boundary: [inputs, ...hidden, outputs]. */
export function layerWidths(spec: MlpSpec): number[] {
  return [spec.inputs, ...spec.hidden, spec.outputs];
}

export function paramLayout(spec: MlpSpec): ParamLayout {
  const widths = layerWidths(spec);
  const segments: Segment[] = [];
  const layers: LayerLayout[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    const inputs = widths[l] ?? 0;
    const outputs = widths[l + 1] ?? 0;
    const weightOffset = offset;
    segments.push({ name: `layers.${l}.weight`, layer: l, kind: 'weight', shape: [outputs, inputs], offset });
    offset += outputs * inputs;
    let biasOffset = -1;
    if (spec.bias) {
      biasOffset = offset;
      segments.push({ name: `layers.${l}.bias`, layer: l, kind: 'bias', shape: [outputs], offset });
      offset += outputs;
    }
    layers.push({ inputs, outputs, weightOffset, biasOffset });
  }
  return { segments, layers, size: offset };
}

/**
 * Whether affine layer `l` adds its input to its activated output (h_{l+1} = h_l + σ(z_l)):
 * the spec has `residual`, l is a hidden → hidden layer (1 ≤ l ≤ L − 2) and inputs = outputs.
 */
export function isResidualLayer(spec: MlpSpec, layout: ParamLayout, l: number): boolean {
  const layer = layout.layers[l];
  return spec.residual === true && layer !== undefined && l >= 1 && l <= layout.layers.length - 2 && layer.inputs === layer.outputs;
}

/** Indices of the layers that add their input (empty without `residual`). */
export function residualLayers(spec: MlpSpec, layout: ParamLayout = paramLayout(spec)): number[] {
  return layout.layers.map((_, l) => l).filter((l) => isResidualLayer(spec, layout, l));
}

/** Human-readable one-liner, e.g. "2-32-32-1 tanh, mse" (", residual" with skip connections). */
export function describeSpec(spec: MlpSpec): string {
  return `${layerWidths(spec).join('-')} ${spec.activation}, ${spec.loss}${spec.bias ? '' : ', no bias'}${spec.residual === true ? ', residual' : ''}`;
}

/** Throws with a message naming the first problem; used at the engine boundary. */
export function assertValidSpec(spec: MlpSpec): void {
  const ok = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 4096;
  if (!ok(spec.inputs)) throw new Error(`inputs must be an integer in 1..4096, got ${spec.inputs}`);
  if (!ok(spec.outputs)) throw new Error(`outputs must be an integer in 1..4096, got ${spec.outputs}`);
  if (spec.hidden.length > MAX_HIDDEN_LAYERS) {
    throw new Error(`at most ${MAX_HIDDEN_LAYERS} hidden layers, got ${spec.hidden.length}`);
  }
  spec.hidden.forEach((w, i) => {
    if (!ok(w)) throw new Error(`hidden width ${i + 1} must be an integer in 1..4096, got ${w}`);
  });
  if (!ACTIVATIONS.includes(spec.activation)) throw new Error(`unknown activation "${spec.activation}"`);
  if (!LOSSES.includes(spec.loss)) throw new Error(`unknown loss "${spec.loss}"`);
  if (spec.residual !== undefined && typeof spec.residual !== 'boolean')
    throw new Error(`residual must be true or false, got ${String(spec.residual)}`);
  if (spec.loss === 'bce' && spec.outputs !== 1) throw new Error('bce needs exactly one output (one logit)');
  if (spec.loss === 'cross_entropy' && spec.outputs < 2) throw new Error('cross_entropy needs at least two outputs');
}
