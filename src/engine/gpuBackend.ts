/**
 * The GPU backend: WebGPU kernels, one job at a time (error scopes are a per-device stack), each inside
 * validation and out-of-memory scopes, so a kernel that fails (a driver's compiler rejecting it, memory)
 * throws instead of yielding silent zeros. Kernels made for a job are cached until `dispose()`.
 */
import type { GpuContext } from '../gpu/device';
import { HessianVectorKernel } from '../gpu/hessianVector.gpu';
import { trainCurveBatch } from '../train/curveBatch';
import { trainCurve } from '../train/curveTraining';
import { trainMultiSeed } from '../train/multiSeed';
import { nebTrain } from '../train/neb';
import { needGradients, type Backend } from './backend';
import type { GpuSession } from './model';

export interface GpuBackend extends Backend {
  readonly kind: 'webgpu';
  readonly gpu: GpuContext;
  /** Any GPU work in the backend's queue and error scopes (e.g. a benchmark's own kernel). */
  run<T>(body: (device: GPUDevice) => Promise<T>): Promise<T>;
}

export function gpuBackend(gpu: GpuContext): GpuBackend {
  const device = gpu.device;
  const kernels = new Map<string, { dispose(): void }>();
  const session: GpuSession = {
    device,
    cached<T extends { dispose(): void }>(key: string, make: () => T): T {
      const found = kernels.get(key);
      if (found !== undefined) return found as T;
      const made = make();
      kernels.set(key, made);
      return made;
    },
  };
  // One Hessian-vector kernel, for the model whose gradients it was made for (Lanczos calls it many times).
  let hvp: { readonly key: object; readonly kernel: HessianVectorKernel } | null = null;
  const hvpKernel = (gradients: ReturnType<typeof needGradients>): HessianVectorKernel => {
    if (hvp?.key !== gradients) {
      hvp?.kernel.dispose();
      hvp = { key: gradients, kernel: new HessianVectorKernel(device, gradients.spec, gradients.samples) };
    }
    return hvp.kernel;
  };
  let queue: Promise<unknown> = Promise.resolve();
  let lost = false;
  void device.lost.then(() => {
    lost = true;
  });
  const run = <T>(body: (device: GPUDevice) => Promise<T>): Promise<T> => {
    const job = queue.then(() => withGpuErrors(device, () => body(device)));
    queue = job.catch(() => undefined);
    return job;
  };
  return {
    kind: 'webgpu',
    label: gpu.adapterName,
    gpu,
    run,
    isLost: () => lost,
    lossGrid: (model, points, ctl) =>
      run(() =>
        model.lossGridGpu(session, points, {
          signal: ctl.signal,
          ...(ctl.onProgress ? { onProgress: ctl.onProgress } : {}),
          ...(ctl.gridVariant === undefined ? {} : { variant: ctl.gridVariant }),
        }),
      ),
    lossAt: (model, thetas, count) => run(() => model.lossAtGpu(session, thetas, count)),
    evaluatePaths: (model, paths, points) => run(() => model.pathsGpu(session, paths, points)),
    trainCenter: (job, ctl) =>
      run(async (dev) => {
        const r = await trainMultiSeed(
          {
            spec: job.spec,
            samples: job.samples,
            thetas: [job.theta0],
            steps: job.steps,
            optimizer: 'adam',
            learningRate: job.learningRate,
            signal: ctl.signal,
            progressEvery: Math.max(1, Math.floor(job.steps / 50)),
            onProgress: (step, losses) => {
              ctl.onStep?.(step, losses[0] ?? Number.NaN);
              ctl.onProgress?.(step / Math.max(1, job.steps));
            },
            ...(ctl.onIterate && ctl.iterateEvery !== undefined
              ? {
                  snapshotEvery: ctl.iterateEvery,
                  // Inside this job: the preview grid runs on the same device between training submissions.
                  onSnapshot: (step: number, thetas: Float32Array) =>
                    ctl.onIterate?.(step, thetas, (model, points) => model.lossGridGpu(session, points, { signal: ctl.signal })) ??
                    Promise.resolve(),
                }
              : {}),
          },
          dev,
        );
        return { theta: r.thetas, finalLoss: r.finalLosses[0] ?? Number.NaN, diverged: (r.diverged[0] ?? 0) !== 0 };
      }),
    trainSeeds: (job, ctl) =>
      run((dev) =>
        trainMultiSeed(
          {
            ...job,
            signal: ctl.signal,
            onProgress: (step, losses) => {
              ctl.onStep?.(step, losses);
              ctl.onProgress?.(step / Math.max(1, job.steps));
            },
          } as Parameters<typeof trainMultiSeed>[0],
          dev,
        ),
      ),
    trainCurve: (job, ctl) =>
      run(async (dev) => {
        const onProgress = (step: number, loss: number): void => {
          ctl.onStep?.(step, loss);
          ctl.onProgress?.(step / Math.max(1, job.steps));
        };
        if (job.method === 'neb') {
          const { method: _neb, ...opts } = job;
          const r = await nebTrain({ ...opts, signal: ctl.signal, onProgress }, dev);
          return { path: r.path, diverged: r.diverged };
        }
        const { method: _curve, ...opts } = job;
        const r = await trainCurve({ ...opts, signal: ctl.signal, onProgress }, dev);
        return { path: r.path, diverged: r.diverged };
      }),
    trainCurves: (job, ctl) =>
      run(async (dev) => {
        const { method: _curve, ...opts } = job;
        const total = job.curves.length * Math.max(1, job.steps);
        const r = await trainCurveBatch(
          {
            ...opts,
            signal: ctl.signal,
            onProgress: (step, losses, first) => {
              ctl.onStep?.(step, losses, first);
              ctl.onProgress?.((first * job.steps + losses.length * step) / total);
            },
          },
          dev,
        );
        return r.map((c) => ({ path: c.path, diverged: c.diverged }));
      }),
    hessianVectorProducts: (model, theta, vectors, count, ctl) =>
      run(() => hvpKernel(needGradients(model)).products(theta, vectors, count, ctl.signal)),
    dispose: () => {
      hvp?.kernel.dispose();
      hvp = null;
      for (const kernel of kernels.values()) kernel.dispose();
      kernels.clear();
    },
  };
}

async function withGpuErrors<T>(device: GPUDevice, body: () => Promise<T>): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let value: T | undefined;
  let failure: unknown = null;
  let failed = false;
  try {
    value = await body();
  } catch (err) {
    failure = err;
    failed = true;
  }
  const validation = await device.popErrorScope();
  const memory = await device.popErrorScope();
  if (failed) throw failure;
  if (validation) throw new Error(`WebGPU validation error: ${validation.message.split('\n')[0] ?? ''}`);
  if (memory) throw new Error(`WebGPU out of memory: ${memory.message.split('\n')[0] ?? ''}`);
  return value as T;
}
