import { Rng } from './rng';
import { paramLayout, type MlpSpec } from './spec';

/**
 * Seeded initialisation as PyTorch's nn.Linear does it: weights and biases uniform in
 * ±1/√fan_in. Same seed, same vector.
 */
export function initParams(spec: MlpSpec, seed: number): Float32Array {
  const layout = paramLayout(spec);
  const theta = new Float32Array(layout.size);
  const rng = new Rng(seed);
  for (const seg of layout.segments) {
    const fanIn = layout.layers[seg.layer]?.inputs ?? 1;
    const bound = 1 / Math.sqrt(fanIn);
    const count = seg.shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < count; i++) theta[seg.offset + i] = rng.range(-bound, bound);
  }
  return theta;
}
