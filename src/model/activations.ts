import type { Activation } from './spec';

const GELU_C = Math.sqrt(2 / Math.PI);
export const LEAKY_SLOPE = 0.01;

/** Hidden-layer activation, in float64 (the CPU reference). */
export function activate(kind: Activation, z: number): number {
  switch (kind) {
    case 'tanh':
      return Math.tanh(z);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-z));
    case 'relu':
      return z > 0 ? z : 0;
    case 'leaky_relu':
      return z > 0 ? z : LEAKY_SLOPE * z;
    case 'softplus':
      return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    case 'gelu':
      return 0.5 * z * (1 + Math.tanh(GELU_C * (z + 0.044715 * z * z * z)));
    case 'identity':
      return z;
  }
}

/** d activate / dz at z. */
export function activateDerivative(kind: Activation, z: number): number {
  switch (kind) {
    case 'tanh': {
      const t = Math.tanh(z);
      return 1 - t * t;
    }
    case 'sigmoid': {
      const s = 1 / (1 + Math.exp(-z));
      return s * (1 - s);
    }
    case 'relu':
      return z > 0 ? 1 : 0;
    case 'leaky_relu':
      return z > 0 ? 1 : LEAKY_SLOPE;
    case 'softplus':
      return 1 / (1 + Math.exp(-z));
    case 'gelu': {
      const u = GELU_C * (z + 0.044715 * z * z * z);
      const t = Math.tanh(u);
      const du = GELU_C * (1 + 3 * 0.044715 * z * z);
      return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * du;
    }
    case 'identity':
      return 1;
  }
}
