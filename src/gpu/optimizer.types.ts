/** Optimiser settings shared by the GPU kernel and its CPU twin. */
export interface OptimizerConfig {
  readonly kind: 'adam' | 'sgd';
  readonly learningRate: number;
  /** SGD momentum μ (v ← μv + g); default 0.9. */
  readonly momentum?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
}

export interface ResolvedOptimizer {
  readonly useAdam: boolean;
  readonly learningRate: number;
  readonly momentum: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

export function resolveOptimizer(config: OptimizerConfig): ResolvedOptimizer {
  if (!Number.isFinite(config.learningRate) || config.learningRate < 0)
    throw new Error(`learning rate must be finite and ≥ 0, got ${config.learningRate}`);
  return {
    useAdam: config.kind === 'adam',
    learningRate: config.learningRate,
    momentum: config.momentum ?? 0.9,
    beta1: config.beta1 ?? 0.9,
    beta2: config.beta2 ?? 0.999,
    eps: config.eps ?? 1e-8,
  };
}
