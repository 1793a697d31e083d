/// <reference lib="webworker" />
/** The engine worker: the in-process CPU backend behind a message port, so CPU jobs never block the page. */
import { errorMessage } from '../model/errors';
import { cpuBackend } from './cpuBackend';
import { modelFromRecipe } from './mlpModel';
import type { WorkerReply, WorkerRequest, WorkerResults } from './workerProtocol';

const backend = cpuBackend('CPU reference (Web Worker)');
// Cancelling a job terminates this worker, so no job here is ever aborted from inside.
const signal = new AbortController().signal;

const post = (reply: WorkerReply): void => {
  (self as unknown as DedicatedWorkerGlobalScope).postMessage(reply);
};

async function run(msg: WorkerRequest): Promise<WorkerResults[keyof WorkerResults]> {
  const id = msg.id;
  const onProgress = (fraction: number): void => post({ type: 'progress', id, fraction });
  switch (msg.type) {
    case 'grid':
      return backend.lossGrid(await modelFromRecipe(msg.recipe), msg.points, { signal, onProgress });
    case 'points':
      return backend.lossAt(await modelFromRecipe(msg.recipe), msg.thetas, msg.count, { signal });
    case 'paths':
      return backend.evaluatePaths(await modelFromRecipe(msg.recipe), msg.paths, msg.points, { signal });
    case 'center':
      return backend.trainCenter(msg.job, {
        signal,
        onStep: (step, loss) => post({ type: 'progress', id, fraction: step / Math.max(1, msg.job.steps), step, loss }),
      });
    case 'seeds':
      return backend.trainSeeds(msg.job, {
        signal,
        onStep: (step, losses) => post({ type: 'progress', id, fraction: step / Math.max(1, msg.job.steps), step, losses }),
      });
    case 'curve':
      return backend.trainCurve(msg.job, {
        signal,
        onStep: (step, loss) => post({ type: 'progress', id, fraction: step / Math.max(1, msg.job.steps), step, loss }),
      });
    case 'hvp':
      return backend.hessianVectorProducts(await modelFromRecipe(msg.recipe), msg.theta, msg.vectors, msg.count, { signal });
  }
}

self.onmessage = (event: MessageEvent<WorkerRequest>): void => {
  const msg = event.data;
  run(msg).then(
    (result) => post({ type: 'done', id: msg.id, result }),
    (err: unknown) => post({ type: 'error', id: msg.id, message: errorMessage(err) }),
  );
};
