/** The built-in multilayer perceptron as a LandscapeModel: our WGSL kernels and their CPU twins. */
import { DEFAULT_GRID_VARIANT, gridVariant, variantFits } from '../gpu/lossGridVariants';
import { VectorLossKernel } from '../gpu/vectorLoss.gpu';
import { evaluatePaths } from '../landscape/pathEval';
import { initParams } from '../model/init';
import { evaluate, isClassifier } from '../model/network';
import { Rng, deriveSeed } from '../model/rng';
import type { Samples } from '../model/samples';
import { describeSpec, paramLayout, type MlpSpec } from '../model/spec';
import { lossAtFast, lossGridFast } from '../wasm/lossGridFast';
import type { LandscapeModel, ModelRecipe } from './model';

/** The MLP of `spec` on `samples`. θ₀ for seed s starts from initParams(spec, deriveSeed(s, 'init')). */
export function mlpModel(spec: MlpSpec, samples: Samples): LandscapeModel {
  const plain: Samples = { m: samples.m, inputs: samples.inputs, x: samples.x, y: samples.y };
  const layout = paramLayout(spec);
  return {
    recipe: { kind: 'mlp', spec, samples: plain },
    label: describeSpec(spec),
    layout: { size: layout.size, segments: layout.segments },
    sampleCount: plain.m,
    classifier: isClassifier(spec.loss),
    initialTheta: (seed) => initParams(spec, deriveSeed(seed, 'init')),
    evaluate: (theta) => evaluate(spec, theta, plain),
    lossGridGpu: (gpu, points, opts) => {
      // A variant that cannot hold this network (workgroup memory) leaves it to the default kernel.
      const asked = opts.variant ?? DEFAULT_GRID_VARIANT;
      const variant = variantFits(asked, spec) ? asked : DEFAULT_GRID_VARIANT;
      const kernel = gpu.cached(`LossGridKernel:${variant}`, () => gridVariant(variant).make(gpu.device));
      return kernel.run({ spec, samples: plain, ...points }, opts);
    },
    lossGridCpu: (points, opts) => lossGridFast({ spec, samples: plain, ...points }, opts),
    lossAtGpu: async (gpu, thetas, count) => {
      const kernel = new VectorLossKernel(gpu.device, spec, plain);
      try {
        return await kernel.evaluate(thetas, count);
      } finally {
        kernel.dispose();
      }
    },
    lossAtCpu: (thetas, count) => lossAtFast(spec, plain, thetas, count),
    pathsGpu: async (gpu, paths, points) => {
      const kernel = new VectorLossKernel(gpu.device, spec, plain);
      try {
        return await evaluatePaths(kernel, paths, points);
      } finally {
        kernel.dispose();
      }
    },
    pathsCpu: (paths, points) =>
      evaluatePaths({ paramCount: layout.size, evaluate: (thetas, count) => lossAtFast(spec, plain, thetas, count) }, paths, points),
    subsample: (count, seed) => (count >= plain.m ? mlpModel(spec, plain) : mlpModel(spec, sampleRows(plain, count, seed))),
    gradients: { spec, samples: plain },
  };
}

/** `count` rows of the samples, drawn without replacement (a seeded partial Fisher–Yates shuffle), in their order. */
function sampleRows(samples: Samples, count: number, seed: number): Samples {
  const rng = new Rng(seed);
  const order = Array.from({ length: samples.m }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(samples.m - i);
    [order[i], order[j]] = [order[j] ?? j, order[i] ?? i];
  }
  const rows = order.slice(0, count).sort((a, b) => a - b);
  const yWidth = samples.y.length / samples.m;
  const x = new Float32Array(count * samples.inputs);
  const y = new Float32Array(count * yWidth);
  rows.forEach((r, k) => {
    x.set(samples.x.subarray(r * samples.inputs, (r + 1) * samples.inputs), k * samples.inputs);
    y.set(samples.y.subarray(r * yWidth, (r + 1) * yWidth), k * yWidth);
  });
  return { m: count, inputs: samples.inputs, x, y };
}

/**
 * A model from its recipe (the worker's side of `LandscapeModel.recipe`). An ONNX recipe loads its
 * code on first use and keeps the last few models (and their runtime sessions) by key.
 */
export async function modelFromRecipe(recipe: ModelRecipe): Promise<LandscapeModel> {
  if (recipe.kind === 'mlp') return mlpModel(recipe.spec, recipe.samples);
  const kept = onnxKept.get(recipe.key);
  if (kept !== undefined) return kept;
  const { onnxModelFromRecipe } = await import('./onnxModel');
  const model = onnxModelFromRecipe(recipe);
  onnxKept.set(recipe.key, model);
  for (const [key, old] of onnxKept) {
    if (onnxKept.size <= 4) break;
    onnxKept.delete(key);
    void (old as { dispose?: () => Promise<void> }).dispose?.();
  }
  return model;
}

const onnxKept = new Map<string, LandscapeModel>();
