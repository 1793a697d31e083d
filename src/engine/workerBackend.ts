/**
 * The page's CPU backend: the engine worker (the CPU reference in a Web Worker). Cancelling a job
 * terminates the worker (a CPU loop cannot be interrupted otherwise) and the next job starts a fresh one.
 */
import { AbortError } from '../gpu/lossGrid.types';
import { errorMessage } from '../model/errors';
import type { Backend } from './backend';
import type { WorkerReply, WorkerRequest, WorkerResults } from './workerProtocol';

type Progress = Extract<WorkerReply, { type: 'progress' }>;

interface Pending {
  readonly resolve: (result: WorkerResults[keyof WorkerResults]) => void;
  readonly reject: (err: Error) => void;
  readonly onProgress: ((reply: Progress) => void) | undefined;
}

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export const WORKER_LABEL = 'CPU reference (Web Worker)';

/** Grid progress reaches the page at most this often (ms): the engine reports every chunk, the page repaints for each. */
const PROGRESS_MS = 100;

/**
 * Progress that carries only a fraction (grids) passed on at most every PROGRESS_MS; replies with a training
 * step always pass. On two cores each repaint of the status line competes with the engine's threads.
 */
function throttled(onProgress: (reply: Progress) => void): (reply: Progress) => void {
  let last = -Infinity;
  return (reply) => {
    const now = performance.now();
    if (reply.step === undefined && reply.fraction < 1 && now - last < PROGRESS_MS) return;
    last = now;
    onProgress(reply);
  };
}

export function workerBackend(): Backend {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const restart = (): void => {
    worker?.terminate();
    worker = null;
    for (const job of pending.values()) job.reject(new AbortError());
    pending.clear();
  };

  const ensureWorker = (): Worker => {
    if (worker) return worker;
    const made = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'landscape-engine' });
    made.onmessage = (event: MessageEvent<WorkerReply>): void => {
      const reply = event.data;
      const job = pending.get(reply.id);
      if (!job) return;
      if (reply.type === 'progress') {
        job.onProgress?.(reply);
        return;
      }
      pending.delete(reply.id);
      if (reply.type === 'error') job.reject(new Error(reply.message));
      else job.resolve(reply.result);
    };
    made.onerror = (event): void => {
      const err = new Error(`engine worker failed: ${event.message}`);
      for (const job of pending.values()) job.reject(err);
      pending.clear();
      restart();
    };
    worker = made;
    return made;
  };

  const call = <K extends keyof WorkerResults>(
    msg: Request & { type: K },
    signal: AbortSignal,
    onProgress?: (reply: Progress) => void,
  ): Promise<WorkerResults[K]> => {
    if (signal.aborted) return Promise.reject(new AbortError());
    const id = nextId++;
    let target: Worker;
    try {
      target = ensureWorker();
    } catch (err) {
      return Promise.reject(new Error(`the engine worker could not start: ${errorMessage(err)}`));
    }
    return new Promise<WorkerResults[K]>((resolve, reject) => {
      pending.set(id, { resolve: resolve as Pending['resolve'], reject, onProgress: onProgress && throttled(onProgress) });
      signal.addEventListener(
        'abort',
        () => {
          if (!pending.has(id)) return;
          pending.delete(id);
          restart();
          reject(new AbortError());
        },
        { once: true },
      );
      target.postMessage({ ...msg, id });
    });
  };

  return {
    kind: 'cpu',
    label: WORKER_LABEL,
    lossGrid: (model, points, ctl) => call({ type: 'grid', recipe: model.recipe, points }, ctl.signal, (r) => ctl.onProgress?.(r.fraction)),
    lossAt: (model, thetas, count, ctl) => call({ type: 'points', recipe: model.recipe, thetas, count }, ctl.signal),
    evaluatePaths: (model, paths, points, ctl) => call({ type: 'paths', recipe: model.recipe, paths, points }, ctl.signal),
    trainCenter: (job, ctl) =>
      call({ type: 'center', job }, ctl.signal, (r) => {
        ctl.onProgress?.(r.fraction);
        if (r.step !== undefined && r.loss !== undefined) ctl.onStep?.(r.step, r.loss);
      }),
    trainSeeds: (job, ctl) =>
      call({ type: 'seeds', job }, ctl.signal, (r) => {
        ctl.onProgress?.(r.fraction);
        if (r.step !== undefined && r.losses !== undefined) ctl.onStep?.(r.step, r.losses);
      }),
    trainCurve: (job, ctl) =>
      call({ type: 'curve', job }, ctl.signal, (r) => {
        ctl.onProgress?.(r.fraction);
        if (r.step !== undefined && r.loss !== undefined) ctl.onStep?.(r.step, r.loss);
      }),
    hessianVectorProducts: (model, theta, vectors, count, ctl) =>
      call({ type: 'hvp', recipe: model.recipe, theta, vectors, count }, ctl.signal),
    dispose: restart,
  };
}
