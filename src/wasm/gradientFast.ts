/**
 * Losses and gradients for the CPU trainings (θ₀, many seeds, curves, elastic bands): the SIMD engine's
 * gradient kernel with its memory and samples kept across steps (GradientSession), or the float64 twin
 * (gradientCpu) where the engine cannot run — never a failed training for that.
 */
import { gradientCpu, selectSamples } from '../gpu/gradient.cpu';
import { assertValidBatch } from '../gpu/gradient.types';
import type { Samples } from '../model/samples';
import { paramLayout, type MlpSpec } from '../model/spec';
import type { GradientSource } from '../train/gradientSource';
import { gradientSessionWasm, type CpuEngineOptions, type GradientSession } from './cpuEngine';
import { tryEngine } from './lossGridFast';

export interface FastGradientSource extends GradientSource {
  /** Calls answered by the SIMD engine and by the float64 twin so far. */
  readonly counts: { engine: number; twin: number };
}

/**
 * A GradientSource on the SIMD engine: a session for all samples and one per batch size (a batch's rows
 * are packed into it per call), vectors one after another, each split over the threads.
 */
export function fastGradientSource(spec: MlpSpec, samples: Samples, engine: CpuEngineOptions = {}): FastGradientSource {
  const P = paramLayout(spec).size;
  /** Per sample count: the session, or null where the engine said no (that size goes to the twin). */
  const sessions = new Map<number, Promise<GradientSession | null>>();
  const counts = { engine: 0, twin: 0 };
  const sessionFor = (data: Samples): Promise<GradientSession | null> => {
    let session = sessions.get(data.m);
    if (!session) {
      session = tryEngine(() => gradientSessionWasm(spec, data, engine));
      sessions.set(data.m, session);
    }
    return session;
  };
  const twin = (thetas: Float32Array, count: number, batch?: Uint32Array): { losses: Float64Array; grads: Float64Array } => {
    counts.twin++;
    return gradientCpu(spec, samples, thetas, count, batch ? { indices: batch } : undefined);
  };
  return {
    paramCount: P,
    counts,
    compute: async (thetas, count, batch) => {
      if (thetas.length !== count * P) throw new Error(`expected ${count} × ${P} parameters, got ${thetas.length}`);
      if (batch) assertValidBatch(samples, { indices: batch });
      const data = batch ? selectSamples(spec, samples, { indices: batch }) : samples;
      const session = await sessionFor(data);
      if (session === null) return twin(thetas, count, batch);
      if (batch) session.load(data);
      const losses = new Float64Array(count);
      const grads = new Float64Array(count * P);
      for (let k = 0; k < count; k++) {
        const loss = await tryEngine(() => session.run(thetas.subarray(k * P, (k + 1) * P), grads.subarray(k * P, (k + 1) * P)));
        if (loss === null) {
          sessions.clear();
          return twin(thetas, count, batch);
        }
        losses[k] = loss;
      }
      counts.engine++;
      return { losses, grads };
    },
    dispose: () => sessions.clear(),
  };
}
