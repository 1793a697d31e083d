/**
 * Curve training on the GPU (Garipov et al. 2018; see curveTraining.types.ts for the method).
 * Whole steps stay on the GPU: CurveStepKernel forms the K points φ(t_i) from the bends,
 * GradientKernel computes their losses and gradients in one batched call, CurveStepKernel
 * combines them into the bend gradient, and OptimizerKernel updates the bends. Many steps go
 * into one submission of bounded duration (about `targetSubmitMs`, adapted as it runs); only the
 * per-step mean losses and the divergence flag are read back per submission. One curve is the
 * batch of one of trainCurveBatch (curveBatch.ts), which trains many curves in the same dispatches.
 */
import { trainCurveBatch } from './curveBatch';
import type { CurveTrainOptions, CurveTrainResult } from './curveTraining.types';

export { trainCurveCpu } from './curveTrainingCpu';
export { garipovFactor, type CurveTrainOptions, type CurveTrainResult } from './curveTraining.types';

export interface CurveGpuOptions {
  /** Target wall time of one submission, ms (default 40). */
  readonly targetSubmitMs?: number;
}

export async function trainCurve(opts: CurveTrainOptions, device: GPUDevice, gpuOpts: CurveGpuOptions = {}): Promise<CurveTrainResult> {
  const { a, b, seed, startBends, onProgress, ...shared } = opts;
  const [only] = await trainCurveBatch(
    {
      ...shared,
      curves: [{ a, b, ...(seed !== undefined ? { seed } : {}), ...(startBends !== undefined ? { startBends } : {}) }],
      ...(onProgress ? { onProgress: (step: number, losses: Float32Array) => onProgress(step, losses[0] ?? Number.NaN) } : {}),
    },
    device,
    gpuOpts,
  );
  if (only === undefined) throw new Error('curve training returned nothing');
  return only;
}
