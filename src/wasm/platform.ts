/**
 * What the SIMD CPU engine needs from where it runs: the compiled engine, how many threads it may
 * use, and a way to start a worker thread that runs `WORKER_BODY`. Node (tests, command line, bench)
 * and the browser (the page's engine worker) each provide one (nodePlatform.ts, browserPlatform.ts).
 */
import type { EngineVariant } from './compileEngine';

export type { EngineVariant };

/** A worker thread of the pool, the same in Node and in the browser. */
export interface PoolWorker {
  post(message: unknown): void;
  onMessage(handler: (message: WorkerMessage) => void): void;
  onError(handler: (error: unknown) => void): void;
  /** Node: keep the process alive while a job runs, and let it exit between jobs. */
  hold(busy: boolean): void;
}

export type WorkerMessage = { type: 'progress'; count: number } | { type: 'done' } | { type: 'error'; message: string };

export interface EnginePlatform {
  readonly name: 'node' | 'browser';
  binary(variant: EngineVariant): Promise<Uint8Array>;
  /** Threads the engine may run on; 1 where shared memory is unavailable (a page not cross-origin isolated). */
  readonly threads: number;
  spawn(): PoolWorker;
}

/**
 * The worker's code, the same text in both places (a string, so no bundler or loader has to know
 * about it): take chunks of work from a shared counter until none is left or the job is cancelled.
 * `listen` and `post` come from the platform's prelude.
 */
export const WORKER_BODY = `
const runJob = (job) => {
  const instance = new WebAssembly.Instance(job.module, { env: { memory: job.memory } });
  const kernel = instance.exports[job.fn];
  const control = new Int32Array(job.memory.buffer, 0, 4);
  for (;;) {
    if (Atomics.load(control, 0) !== 0) break;
    const start = Atomics.add(control, job.counter, job.chunk);
    if (start >= job.total) break;
    const end = Math.min(job.total, start + job.chunk);
    // scratchStride: every chunk has its own scratch region (sums that do not depend on which thread ran it).
    const scratch = job.scratchStride ? job.scratch + (start / job.chunk) * job.scratchStride : job.scratch;
    if (job.fn === 'firstLayer') kernel(job.header, start, end);
    else kernel(job.header, scratch, start, end);
    post({ type: 'progress', count: end - start });
  }
  post({ type: 'done' });
};
listen((job) => {
  try {
    runJob(job);
  } catch (error) {
    post({ type: 'error', message: String((error && error.message) || error) });
  }
});
`;
