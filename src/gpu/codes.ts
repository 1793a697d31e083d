import type { Activation, LossKind } from '../model/spec';

/** Activation codes as `activate(kind, z)` in shaders/lib/activations.wgsl reads them. */
export const ACTIVATION_CODE: Record<Activation, number> = {
  tanh: 0,
  sigmoid: 1,
  relu: 2,
  leaky_relu: 3,
  softplus: 4,
  gelu: 5,
  identity: 6,
};

/** Loss codes as shaders/lossGrid.wgsl's `LOSS` override reads them. */
export const LOSS_CODE: Record<LossKind, number> = { mse: 0, cross_entropy: 1, bce: 2 };

/** Marks "no bias" in layer tables. */
export const NO_BIAS = 0xffffffff;
