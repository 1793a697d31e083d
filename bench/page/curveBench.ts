/**
 * Benchmark of mode connectivity on the default preset (src/train/modeConnectivityPreset.ts):
 * curve-training steps per second and the time of one 61-point evaluation of the line and the
 * trained curve together.
 */
import { VectorLossKernel } from '../../src/gpu/vectorLoss.gpu';
import { evaluatePaths } from '../../src/landscape/pathEval';
import { straightLine } from '../../src/landscape/paths';
import { trainCurve } from '../../src/train/curveTraining';
import {
  MODE_CONNECTIVITY_PRESET,
  presetCurveOptions,
  presetData,
  presetMinima,
  type ModeConnectivityPreset,
} from '../../src/train/modeConnectivityPreset';

export interface CurveBenchResult {
  readonly preset: ModeConnectivityPreset;
  readonly curveSteps: number;
  readonly curveStepsPerSecond: number;
  /** Wall time of one 61-point evaluation of the line and of the curve together (122 vectors), median of `repeats`. */
  readonly evaluationMs: number;
  readonly lineBarrier: number;
  readonly curveBarrier: number;
}

/** Curve-training steps per second and the 61-point evaluation time on the default preset. */
export async function benchCurve(device: GPUDevice, preset = MODE_CONNECTIVITY_PRESET, repeats = 5): Promise<CurveBenchResult> {
  const data = presetData(preset);
  const { a, b } = await presetMinima(device, preset, data);
  const t0 = performance.now();
  const curve = await trainCurve(presetCurveOptions(preset, data, a, b), device);
  const curveMs = performance.now() - t0;
  const kernel = new VectorLossKernel(device, preset.spec, data);
  try {
    const line = straightLine(a, b);
    let evals = await evaluatePaths(kernel, [line, curve.path]); // warm-up (pipeline, buffers)
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const s = performance.now();
      evals = await evaluatePaths(kernel, [line, curve.path]);
      times.push(performance.now() - s);
    }
    times.sort((x, y) => x - y);
    return {
      preset,
      curveSteps: preset.curveSteps,
      curveStepsPerSecond: preset.curveSteps / (curveMs / 1000),
      evaluationMs: times[Math.floor(times.length / 2)] ?? Number.NaN,
      lineBarrier: evals[0]?.barrier ?? Number.NaN,
      curveBarrier: evals[1]?.barrier ?? Number.NaN,
    };
  } finally {
    kernel.dispose();
  }
}
