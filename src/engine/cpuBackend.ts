/**
 * The CPU reference in this thread: the command line and tests in Node, and the engine worker (which
 * is this backend behind a message port). Never used on the page's main thread.
 */
import { hessianVectorProductsCpu } from '../gpu/hessianVector.cpu';
import { AbortError } from '../gpu/lossGrid.types';
import { trainCurveCpu } from '../train/curveTraining';
import { trainMultiSeedCpu } from '../train/multiSeedCpu';
import { nebTrainCpu } from '../train/neb';
import { trainAdamCpu } from '../train/trainCpu';
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
    trainCenter: (job, ctl) => {
      check(ctl.signal);
      const r = trainAdamCpu(job.spec, job.theta0, job.samples, {
        steps: job.steps,
        learningRate: job.learningRate,
        progressEvery: Math.max(1, Math.floor(job.steps / 50)),
        onProgress: (step, loss) => {
          ctl.onStep?.(step, loss);
          ctl.onProgress?.(step / Math.max(1, job.steps));
        },
      });
      return Promise.resolve({ theta: r.theta, finalLoss: r.finalLoss, diverged: r.diverged });
    },
    trainSeeds: (job, ctl) =>
      trainMultiSeedCpu({
        ...job,
        signal: ctl.signal,
        onProgress: (step, losses) => {
          ctl.onStep?.(step, losses);
          ctl.onProgress?.(step / Math.max(1, job.steps));
        },
      } as Parameters<typeof trainMultiSeedCpu>[0]),
    trainCurve: async (job, ctl) => {
      const onProgress = (step: number, loss: number): void => {
        ctl.onStep?.(step, loss);
        ctl.onProgress?.(step / Math.max(1, job.steps));
      };
      if (job.method === 'neb') {
        const { method: _neb, ...opts } = job;
        const r = await nebTrainCpu({ ...opts, signal: ctl.signal, onProgress });
        return { path: r.path, diverged: r.diverged };
      }
      const { method: _curve, ...opts } = job;
      const r = await trainCurveCpu({ ...opts, signal: ctl.signal, onProgress });
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
