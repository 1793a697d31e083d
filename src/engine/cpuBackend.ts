/**
 * The CPU reference in this thread: the command line and tests in Node, and the engine worker (which
 * is this backend behind a message port). Never used on the page's main thread. Grids, paths and the
 * trainings' gradients run on the SIMD WebAssembly engine (float32, every core), each falling back to
 * its float64 twin where the engine cannot run; the twins stay as the oracles the engine is tested against.
 */
import { hessianVectorProductsCpu } from '../gpu/hessianVector.cpu';
import { AbortError } from '../gpu/lossGrid.types';
import { trainCurveWith } from '../train/curveTrainingCpu';
import { trainMultiSeedCpu } from '../train/multiSeedCpu';
import { nebWith } from '../train/neb';
import { trainAdamWith } from '../train/trainCpu';
import { fastGradientSource } from '../wasm/gradientFast';
import { needGradients, type Backend } from './backend';

export function cpuBackend(label = 'CPU reference'): Backend {
  const check = (signal: AbortSignal): void => {
    if (signal.aborted) throw new AbortError();
  };
  return {
    kind: 'cpu',
    label,
    lossGrid: (model, points, ctl) => {
      check(ctl.signal);
      return Promise.resolve(model.lossGridCpu(points, { signal: ctl.signal, ...(ctl.onProgress ? { onProgress: ctl.onProgress } : {}) }));
    },
    lossAt: (model, thetas, count, ctl) => {
      check(ctl.signal);
      return Promise.resolve(model.lossAtCpu(thetas, count));
    },
    evaluatePaths: (model, paths, points, ctl) => {
      check(ctl.signal);
      return Promise.resolve(model.pathsCpu(paths, points));
    },
    trainCenter: async (job, ctl) => {
      check(ctl.signal);
      const r = await trainAdamWith(job.theta0, fastGradientSource(job.spec, job.samples), {
        steps: job.steps,
        learningRate: job.learningRate,
        progressEvery: Math.max(1, Math.floor(job.steps / 50)),
        signal: ctl.signal,
        onProgress: (step, loss) => {
          ctl.onStep?.(step, loss);
          ctl.onProgress?.(step / Math.max(1, job.steps));
        },
      });
      return { theta: r.theta, finalLoss: r.finalLoss, diverged: r.diverged };
    },
    trainSeeds: (job, ctl) =>
      trainMultiSeedCpu(
        {
          ...job,
          signal: ctl.signal,
          onProgress: (step, losses) => {
            ctl.onStep?.(step, losses);
            ctl.onProgress?.(step / Math.max(1, job.steps));
          },
        } as Parameters<typeof trainMultiSeedCpu>[0],
        fastGradientSource(job.spec, job.samples),
      ),
    trainCurve: async (job, ctl) => {
      const onProgress = (step: number, loss: number): void => {
        ctl.onStep?.(step, loss);
        ctl.onProgress?.(step / Math.max(1, job.steps));
      };
      if (job.method === 'neb') {
        const { method: _neb, ...opts } = job;
        const r = await nebWith({ ...opts, signal: ctl.signal, onProgress }, fastGradientSource(opts.spec, opts.samples));
        return { path: r.path, diverged: r.diverged };
      }
      const { method: _curve, ...opts } = job;
      const r = await trainCurveWith({ ...opts, signal: ctl.signal, onProgress }, fastGradientSource(opts.spec, opts.samples));
      return { path: r.path, diverged: r.diverged };
    },
    hessianVectorProducts: (model, theta, vectors, count, ctl) => {
      check(ctl.signal);
      const { spec, samples } = needGradients(model);
      return Promise.resolve(hessianVectorProductsCpu(spec, samples, theta, vectors, count));
    },
    dispose: () => undefined,
  };
}
