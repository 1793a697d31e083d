/**
 * CPU reference of the network: forward pass, loss, accuracy and gradient, in float64.
 * Every GPU kernel is checked against these functions.
 */
import { activate, activateDerivative } from './activations';
import { isResidualLayer, paramLayout, type LossKind, type MlpSpec, type ParamLayout } from './spec';
import type { Samples } from './samples';

export type Params = Float32Array | Float64Array;

/**
 * Network output (logits) for one input row. `x` has spec.inputs entries. A residual layer
 * (isResidualLayer) adds its input: h_{l+1} = h_l + σ(W_l·h_l + b_l).
 */
export function forward(spec: MlpSpec, theta: Params, x: ArrayLike<number>, layout = paramLayout(spec)): Float64Array {
  let h: Float64Array = Float64Array.from(x);
  const last = layout.layers.length - 1;
  layout.layers.forEach((layer, l) => {
    const z = affine(theta, layer, h);
    if (l < last) for (let j = 0; j < z.length; j++) z[j] = activate(spec.activation, z[j] ?? 0);
    if (isResidualLayer(spec, layout, l)) for (let j = 0; j < z.length; j++) z[j] = (z[j] ?? 0) + (h[j] ?? 0);
    h = z;
  });
  return h;
}

function affine(theta: Params, layer: ParamLayout['layers'][number], h: Float64Array): Float64Array {
  const z = new Float64Array(layer.outputs);
  for (let j = 0; j < layer.outputs; j++) {
    let acc = layer.biasOffset >= 0 ? (theta[layer.biasOffset + j] ?? 0) : 0;
    const row = layer.weightOffset + j * layer.inputs;
    for (let k = 0; k < layer.inputs; k++) acc += (theta[row + k] ?? 0) * (h[k] ?? 0);
    z[j] = acc;
  }
  return z;
}

/**
 * Loss of one sample's output, and d loss / d output when `grad` is given.
 * mse: sum over outputs (the mean over outputs is taken by the caller, as PyTorch's MSELoss);
 * cross_entropy: −log softmax(out)[y]; bce: softplus(out) − y·out, stable for large |out|.
 */
export function sampleLoss(loss: LossKind, out: Float64Array, target: ArrayLike<number>, targetRow: number, grad?: Float64Array): number {
  switch (loss) {
    case 'mse': {
      let s = 0;
      for (let j = 0; j < out.length; j++) {
        const d = (out[j] ?? 0) - (target[targetRow * out.length + j] ?? 0);
        s += d * d;
        if (grad) grad[j] = 2 * d;
      }
      return s;
    }
    case 'cross_entropy': {
      const cls = Math.round(target[targetRow] ?? 0);
      let mx = -Infinity;
      for (const v of out) mx = Math.max(mx, v);
      let se = 0;
      for (const v of out) se += Math.exp(v - mx);
      const lse = mx + Math.log(se);
      if (grad) for (let j = 0; j < out.length; j++) grad[j] = Math.exp((out[j] ?? 0) - lse) - (j === cls ? 1 : 0);
      return lse - (out[cls] ?? 0);
    }
    case 'bce': {
      const o = out[0] ?? 0;
      const y = target[targetRow] ?? 0;
      if (grad) grad[0] = 1 / (1 + Math.exp(-o)) - y;
      return Math.max(o, 0) - o * y + Math.log1p(Math.exp(-Math.abs(o)));
    }
  }
}

/** Divisor that turns the summed per-sample losses into the PyTorch-style mean. */
export function lossDivisor(spec: MlpSpec, m: number): number {
  return spec.loss === 'mse' ? m * spec.outputs : m;
}

/** Whether a sample's output counts as correct (classifiers only). */
export function isCorrect(loss: LossKind, out: Float64Array, target: ArrayLike<number>, row: number): boolean {
  if (loss === 'cross_entropy') {
    let best = 0;
    for (let j = 1; j < out.length; j++) if ((out[j] ?? 0) > (out[best] ?? 0)) best = j;
    return best === Math.round(target[row] ?? -1);
  }
  if (loss === 'bce') return ((out[0] ?? 0) > 0 ? 1 : 0) === Math.round(target[row] ?? -1);
  return false;
}

export function isClassifier(loss: LossKind): boolean {
  return loss !== 'mse';
}

/** Mean loss over the dataset. */
export function datasetLoss(spec: MlpSpec, theta: Params, data: Samples): number {
  return evaluate(spec, theta, data).loss;
}

/** Mean loss and accuracy (NaN for regression) over the dataset. */
export function evaluate(spec: MlpSpec, theta: Params, data: Samples): { loss: number; accuracy: number } {
  const layout = paramLayout(spec);
  let total = 0;
  let correct = 0;
  for (let s = 0; s < data.m; s++) {
    const out = forward(spec, theta, data.x.subarray(s * data.inputs, (s + 1) * data.inputs), layout);
    total += sampleLoss(spec.loss, out, data.y, s);
    if (isCorrect(spec.loss, out, data.y, s)) correct++;
  }
  return {
    loss: total / lossDivisor(spec, data.m),
    accuracy: isClassifier(spec.loss) ? correct / data.m : Number.NaN,
  };
}

/**
 * Mean loss and its gradient with respect to every parameter (backpropagation). Through a
 * residual layer the gradient with respect to its input has the skip term too:
 * dL/dh_l = W_lᵀ·(dL/dh_{l+1} ⊙ σ'(z_l)) + dL/dh_{l+1}.
 */
export function lossAndGradient(
  spec: MlpSpec,
  theta: Params,
  data: Samples,
  grad: Float64Array = new Float64Array(paramLayout(spec).size),
): { loss: number; grad: Float64Array } {
  const layout = paramLayout(spec);
  grad.fill(0);
  const L = layout.layers.length;
  let total = 0;
  const pre: Float64Array[] = new Array<Float64Array>(L);
  const post: Float64Array[] = new Array<Float64Array>(L + 1);
  const divisor = lossDivisor(spec, data.m);
  for (let s = 0; s < data.m; s++) {
    post[0] = Float64Array.from(data.x.subarray(s * data.inputs, (s + 1) * data.inputs));
    for (let l = 0; l < L; l++) {
      const layer = layout.layers[l];
      const input = post[l];
      if (!layer || !input) throw new Error('layout mismatch');
      const z = affine(theta, layer, input);
      pre[l] = z;
      const h = l < L - 1 ? z.map((v) => activate(spec.activation, v)) : z;
      if (isResidualLayer(spec, layout, l)) for (let j = 0; j < h.length; j++) h[j] = (h[j] ?? 0) + (input[j] ?? 0);
      post[l + 1] = h;
    }
    const out = post[L] ?? new Float64Array(0);
    let delta = new Float64Array(out.length);
    total += sampleLoss(spec.loss, out, data.y, s, delta);
    for (let l = L - 1; l >= 0; l--) {
      const layer = layout.layers[l];
      const input = post[l];
      if (!layer || !input) throw new Error('layout mismatch');
      // delta is dL/dh_{l+1} here; the skip passes it on to h_l unchanged.
      const skip = isResidualLayer(spec, layout, l) ? Float64Array.from(delta) : null;
      if (l < L - 1) {
        const z = pre[l] ?? new Float64Array(0);
        for (let j = 0; j < delta.length; j++) delta[j] = (delta[j] ?? 0) * activateDerivative(spec.activation, z[j] ?? 0);
      }
      const next = new Float64Array(layer.inputs);
      for (let j = 0; j < layer.outputs; j++) {
        const dj = (delta[j] ?? 0) / divisor;
        if (dj === 0) continue;
        const row = layer.weightOffset + j * layer.inputs;
        for (let k = 0; k < layer.inputs; k++) {
          grad[row + k] = (grad[row + k] ?? 0) + dj * (input[k] ?? 0);
          next[k] = (next[k] ?? 0) + (delta[j] ?? 0) * (theta[row + k] ?? 0);
        }
        if (layer.biasOffset >= 0) grad[layer.biasOffset + j] = (grad[layer.biasOffset + j] ?? 0) + dj;
      }
      if (skip) for (let k = 0; k < next.length; k++) next[k] = (next[k] ?? 0) + (skip[k] ?? 0);
      delta = next;
    }
  }
  return { loss: total / divisor, grad };
}
