import { AbortError, type GridRequest, type GridResult } from '../gpu/lossGrid.types';
import type { MultiSeedResult } from '../train/multiSeed.types';
import type { MultiSeedJob, TrainReply, WorkerReply, WorkerRequest } from './workerProtocol';

type Pending = {
  resolve: (reply: WorkerReply) => void;
  reject: (err: Error) => void;
  onProgress: ((fraction: number, loss?: number, reply?: Extract<WorkerReply, { type: 'progress' }>) => void) | undefined;
};

/**
 * The page's handle on the engine worker. Cancelling a job terminates the worker (a CPU loop
 * cannot be interrupted otherwise) and the next job starts a fresh one.
 */
export class EngineWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  train(
    req: Omit<Extract<WorkerRequest, { type: 'train' }>, 'id' | 'type'>,
    signal: AbortSignal,
    onProgress?: (fraction: number, loss?: number) => void,
  ): Promise<TrainReply> {
    return this.call({ type: 'train', id: 0, ...req }, signal, onProgress).then((r) => {
      if (r.type !== 'train-done') throw new Error('worker answered the wrong job');
      return r.result;
    });
  }

  /** Multi-seed training on the CPU twin; `onProgress` gets the step and the per-seed losses. */
  trainMulti(job: MultiSeedJob, signal: AbortSignal, onProgress?: (step: number, losses: Float32Array) => void): Promise<MultiSeedResult> {
    const progress = (_f: number, _l?: number, reply?: Extract<WorkerReply, { type: 'progress' }>): void => {
      if (reply?.step !== undefined && reply.losses) onProgress?.(reply.step, reply.losses);
    };
    return this.call({ type: 'train-multi', id: 0, job }, signal, progress).then((r) => {
      if (r.type !== 'train-multi-done') throw new Error('worker answered the wrong job');
      return r.result;
    });
  }

  grid(request: GridRequest, signal: AbortSignal, onProgress?: (fraction: number) => void): Promise<GridResult> {
    return this.call({ type: 'grid', id: 0, request }, signal, onProgress).then((r) => {
      if (r.type !== 'grid-done') throw new Error('worker answered the wrong job');
      return r.result;
    });
  }

  private call(
    msg: WorkerRequest,
    signal: AbortSignal,
    onProgress: Pending['onProgress'],
  ): Promise<WorkerReply> {
    if (signal.aborted) return Promise.reject(new AbortError());
    const id = this.nextId++;
    const worker = this.ensureWorker();
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      signal.addEventListener('abort', () => {
        if (!this.pending.has(id)) return;
        this.pending.delete(id);
        this.restart();
        reject(new AbortError());
      }, { once: true });
      worker.postMessage({ ...msg, id });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'landscape-engine' });
    worker.onmessage = (event: MessageEvent<WorkerReply>): void => {
      const reply = event.data;
      const job = this.pending.get(reply.id);
      if (!job) return;
      if (reply.type === 'progress') {
        job.onProgress?.(reply.fraction, reply.loss, reply);
        return;
      }
      this.pending.delete(reply.id);
      if (reply.type === 'error') job.reject(new Error(reply.message));
      else job.resolve(reply);
    };
    worker.onerror = (event): void => {
      const err = new Error(`engine worker failed: ${event.message}`);
      for (const job of this.pending.values()) job.reject(err);
      this.pending.clear();
      this.restart();
    };
    this.worker = worker;
    return worker;
  }

  private restart(): void {
    this.worker?.terminate();
    this.worker = null;
    for (const job of this.pending.values()) job.reject(new AbortError());
    this.pending.clear();
  }

  dispose(): void {
    this.restart();
  }
}
