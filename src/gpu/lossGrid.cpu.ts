/**
 * CPU twin of the grid kernel (shaders/lossGrid.wgsl): the same result, computed the plain way —
 * θ(α, β) materialised per point and a float64 forward pass per sample (residual layers add their
 * input, as isResidualLayer says). It is the reference the GPU is tested against and the fallback
 * where WebGPU is missing (run it in a Web Worker).
 */
import { activate } from '../model/activations';
import { isClassifier, isCorrect, lossDivisor, sampleLoss } from '../model/network';
import { isResidualLayer, paramLayout } from '../model/spec';
import { AbortError, type GridRequest, type GridResult, type GridRunOptions } from './lossGrid.types';

export function lossGridCpu(req: GridRequest, opts: GridRunOptions = {}): GridResult {
  const { spec, samples, gridSize } = req;
  const layout = paramLayout(spec);
  const points = gridSize * (req.rows ?? gridSize);
  const firstRow = req.firstRow ?? 0;
  const loss = new Float32Array(points);
  const classifier = isClassifier(spec.loss);
  const accuracy = classifier ? new Float32Array(points) : undefined;
  const theta = new Float64Array(layout.size);
  const widest = Math.max(spec.inputs, spec.outputs, ...spec.hidden);
  const bufA = new Float64Array(widest);
  const bufB = new Float64Array(widest);
  const divisor = lossDivisor(spec, samples.m);
  const last = layout.layers.length - 1;
  const skips = layout.layers.map((_, l) => isResidualLayer(spec, layout, l));

  for (let p = 0; p < points; p++) {
    if (opts.signal?.aborted) throw new AbortError();
    const alpha = req.alphaStart + (p % gridSize) * req.alphaStep;
    const beta = req.betaStart + (firstRow + Math.floor(p / gridSize)) * req.betaStep;
    for (let i = 0; i < theta.length; i++) {
      theta[i] = (req.center[i] ?? 0) + alpha * (req.directionX[i] ?? 0) + beta * (req.directionY[i] ?? 0);
    }
    let total = 0;
    let correct = 0;
    for (let s = 0; s < samples.m; s++) {
      let h = bufA;
      let z = bufB;
      for (let k = 0; k < samples.inputs; k++) h[k] = samples.x[s * samples.inputs + k] ?? 0;
      for (let l = 0; l <= last; l++) {
        const layer = layout.layers[l];
        if (!layer) break;
        const skip = skips[l] === true;
        for (let j = 0; j < layer.outputs; j++) {
          let acc = layer.biasOffset >= 0 ? (theta[layer.biasOffset + j] ?? 0) : 0;
          const row = layer.weightOffset + j * layer.inputs;
          for (let k = 0; k < layer.inputs; k++) acc += (theta[row + k] ?? 0) * (h[k] ?? 0);
          z[j] = (l < last ? activate(spec.activation, acc) : acc) + (skip ? (h[j] ?? 0) : 0);
        }
        const t = h;
        h = z;
        z = t;
      }
      const out = h.subarray(0, spec.outputs);
      total += sampleLoss(spec.loss, out, samples.y, s);
      if (classifier && isCorrect(spec.loss, out, samples.y, s)) correct++;
    }
    loss[p] = total / divisor;
    if (accuracy) accuracy[p] = correct / samples.m;
    if (opts.onProgress && (p % gridSize === gridSize - 1 || p === points - 1)) opts.onProgress((p + 1) / points);
  }
  return accuracy ? { loss, accuracy } : { loss };
}
