import { Rng } from '../model/rng';

/**
 * Minibatches as windows of seeded epoch permutations: every sample once per epoch, a batch may
 * run across an epoch boundary. The same (m, batchSize, seed) gives the same stream of batches,
 * so the GPU trainer and its CPU twin see the same samples at every step.
 */
export class BatchSampler {
  private readonly rng: Rng;
  private order: Uint32Array;
  private position: number;

  constructor(
    readonly m: number,
    readonly batchSize: number,
    seed: number,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > m)
      throw new Error(`batch size must be an integer in 1..${m}, got ${batchSize}`);
    this.rng = new Rng(seed);
    this.order = new Uint32Array(m);
    this.position = m;
  }

  next(): Uint32Array {
    const batch = new Uint32Array(this.batchSize);
    for (let i = 0; i < this.batchSize; i++) {
      if (this.position >= this.m) this.shuffle();
      batch[i] = this.order[this.position++] ?? 0;
    }
    return batch;
  }

  private shuffle(): void {
    for (let i = 0; i < this.m; i++) this.order[i] = i;
    for (let i = this.m - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      const t = this.order[i] ?? 0;
      this.order[i] = this.order[j] ?? 0;
      this.order[j] = t;
    }
    this.position = 0;
  }
}
