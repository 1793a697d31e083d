/**
 * onnxruntime-web, loaded on first use only (the first page load never fetches it): its wasm provider
 * in Node (the command line, tests) and in the engine worker. A session evaluates the rewritten graph
 * with every weight tensor fed as an input.
 */
import type * as Ort from 'onnxruntime-web/wasm';

let loading: Promise<typeof Ort> | null = null;

export function loadOrt(): Promise<typeof Ort> {
  loading ??= import('onnxruntime-web/wasm').then((ort) => {
    // Threads need a cross-origin isolated page; without one the runtime would warn and use one anyway.
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
    ort.env.wasm.numThreads = isolated && !isNode ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
    ort.env.logLevel = 'error';
    return ort;
  });
  return loading;
}

/** One float32 tensor to feed. */
export interface Feed {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** A session of one graph: `run` feeds named tensors and answers the one output. */
export interface GraphSession {
  run(feeds: ReadonlyMap<string, Feed>): Promise<{ data: Float32Array; dims: readonly number[] }>;
  release(): Promise<void>;
}

export async function createSession(bytes: Uint8Array, outputName: string): Promise<GraphSession> {
  const ort = await loadOrt();
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  } catch (err) {
    throw new Error(`onnx: the runtime could not load the model (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  return {
    async run(feeds) {
      const input: Record<string, Ort.Tensor> = {};
      for (const [name, feed] of feeds) input[name] = new ort.Tensor('float32', feed.data, feed.dims);
      const result = await session.run(input);
      const out = result[outputName];
      if (out === undefined || out.type !== 'float32') throw new Error(`onnx: the output "${outputName}" is missing or not float32`);
      return { data: out.data as Float32Array, dims: out.dims };
    },
    release: () => session.release(),
  };
}
