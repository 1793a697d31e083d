/// <reference lib="webworker" />
/** Web Worker: the CPU reference engine, so training and the fallback grid never block the page. */
import { lossGridCpu } from '../gpu/lossGrid.cpu';
import { trainAdamCpu } from '../train/trainCpu';
import { trainMultiSeedCpu } from '../train/multiSeedCpu';
import type { WorkerReply, WorkerRequest } from './workerProtocol';

const post = (reply: WorkerReply): void => {
  (self as unknown as DedicatedWorkerGlobalScope).postMessage(reply);
};

self.onmessage = (event: MessageEvent<WorkerRequest>): void => {
  const msg = event.data;
  try {
    if (msg.type === 'train-multi') {
      // Many seeds at once on the CPU twin (the fallback of the GPU trainer).
      const { job } = msg;
      trainMultiSeedCpu({
        ...job,
        onProgress: (step, losses) => post({ type: 'progress', id: msg.id, fraction: step / Math.max(1, job.steps), step, losses }),
      } as Parameters<typeof trainMultiSeedCpu>[0]).then(
        (result) => post({ type: 'train-multi-done', id: msg.id, result }),
        (err: unknown) => post({ type: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) }),
      );
    } else if (msg.type === 'train') {
      const result = trainAdamCpu(msg.spec, msg.theta0, msg.samples, {
        steps: msg.steps,
        learningRate: msg.learningRate,
        progressEvery: Math.max(1, Math.floor(msg.steps / 50)),
        onProgress: (step, loss) => post({ type: 'progress', id: msg.id, fraction: step / Math.max(1, msg.steps), loss }),
      });
      post({ type: 'train-done', id: msg.id, result: { theta: result.theta, finalLoss: result.finalLoss, diverged: result.diverged } });
    } else {
      const result = lossGridCpu(msg.request, { onProgress: (fraction) => post({ type: 'progress', id: msg.id, fraction }) });
      post({ type: 'grid-done', id: msg.id, result });
    }
  } catch (err) {
    post({ type: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) });
  }
};
