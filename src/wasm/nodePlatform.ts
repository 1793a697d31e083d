/** The SIMD CPU engine's platform in Node: compiled on demand (cached), worker_threads, all cores. */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { engineBinaryNode } from './compileEngine';
import { WORKER_BODY, type EnginePlatform, type PoolWorker, type WorkerMessage } from './platform';

const PRELUDE = `
const { parentPort } = require('node:worker_threads');
const listen = (handler) => parentPort.on('message', handler);
const post = (message) => parentPort.postMessage(message);
`;

function spawn(): PoolWorker {
  const worker = new Worker(PRELUDE + WORKER_BODY, { eval: true });
  worker.unref();
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (handler) => worker.on('message', (message: WorkerMessage) => handler(message)),
    onError: (handler) => worker.on('error', handler),
    hold: (busy) => (busy ? worker.ref() : worker.unref()),
  };
}

export const platform: EnginePlatform = {
  name: 'node',
  binary: engineBinaryNode,
  threads: availableParallelism(),
  spawn,
};
