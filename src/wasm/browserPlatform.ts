/// <reference lib="webworker" />
/**
 * The SIMD CPU engine's platform in the page: the engine built by the vite plugin (vite.config.ts),
 * Web Workers over a SharedArrayBuffer when the page is cross-origin isolated, one thread otherwise.
 */
import { shared, single } from 'virtual:cpu-engine-wasm';
import { WORKER_BODY, type EnginePlatform, type PoolWorker, type WorkerMessage } from './platform';

const PRELUDE = `
const listen = (handler) => { self.onmessage = (event) => handler(event.data); };
const post = (message) => self.postMessage(message);
`;

function decode(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function spawn(): PoolWorker {
  const url = URL.createObjectURL(new Blob([PRELUDE + WORKER_BODY], { type: 'text/javascript' }));
  const worker = new Worker(url, { name: 'cpu-engine' });
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (handler) => {
      worker.onmessage = (event: MessageEvent<WorkerMessage>) => handler(event.data);
    },
    onError: (handler) => {
      worker.onerror = (event) => handler(new Error(event.message));
    },
    hold: () => undefined,
  };
}

const isolated = typeof crossOriginIsolated === 'boolean' && crossOriginIsolated && typeof Worker === 'function';

export const platform: EnginePlatform = {
  name: 'browser',
  binary: (variant) => Promise.resolve(decode(variant === 'shared' ? shared : single)),
  threads: isolated ? Math.max(1, navigator.hardwareConcurrency || 1) : 1,
  spawn,
};
