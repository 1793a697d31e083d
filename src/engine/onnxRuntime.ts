/**
 * onnxruntime-web, loaded on first use only (the first page load never fetches it): its wasm provider
 * in Node (the command line, tests) and in the engine worker, and its WebGPU execution provider on the
 * page's own GPUDevice (a second bundle, `onnxruntime-web/webgpu`, loaded only when a model is opened on
 * a page with WebGPU). A session evaluates the rewritten graph with every weight tensor fed as an input.
 */
import type * as Ort from 'onnxruntime-web/wasm';
import type * as OrtWebgpu from 'onnxruntime-web/webgpu';

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

let loadingWebgpu: Promise<typeof OrtWebgpu> | null = null;

/** The WebGPU build of the runtime (its own wasm, with the WebGPU EP compiled in), loaded on first use. */
export function loadOrtWebgpu(): Promise<typeof OrtWebgpu> {
  loadingWebgpu ??= import('onnxruntime-web/webgpu').then((ort) => {
    // The graph's few CPU nodes (shapes) run on this thread: no pool of wasm threads for them.
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    return ort;
  });
  return loadingWebgpu;
}

/** A float32 tensor in a GPU buffer of the session's device. */
export interface GpuFeed {
  readonly buffer: GPUBuffer;
  readonly dims: readonly number[];
}

/** The output of one run, still on the GPU: `release()` hands its buffer back to the runtime. */
export interface GpuOutput {
  readonly buffer: GPUBuffer;
  readonly dims: readonly number[];
  release(): void;
}

/** A session on the WebGPU execution provider: inputs and the output stay in GPU buffers. */
export interface GpuGraphSession {
  run(feeds: ReadonlyMap<string, GpuFeed>): Promise<GpuOutput>;
  release(): Promise<void>;
}

// The runtime refuses two WebGPU sessions being created at once ("another WebGPU EP inference session is being created").
let creating: Promise<unknown> = Promise.resolve();

/**
 * A session of the graph on the WebGPU EP of `device` (the page's own device: onnxruntime-web 1.30 takes
 * it as the EP's `device` option), with its output kept on the GPU (`preferredOutputLocation: 'gpu-buffer'`).
 */
export async function createGpuSession(bytes: Uint8Array, outputName: string, device: GPUDevice): Promise<GpuGraphSession> {
  const ort = await loadOrtWebgpu();
  const make = creating.then(() =>
    ort.InferenceSession.create(bytes, {
      executionProviders: [{ name: 'webgpu', device }],
      graphOptimizationLevel: 'all',
      preferredOutputLocation: 'gpu-buffer',
    }),
  );
  creating = make.catch(() => undefined);
  let session: OrtWebgpu.InferenceSession;
  try {
    session = await make;
  } catch (err) {
    throw new Error(`onnx: the WebGPU execution provider could not load the model (${err instanceof Error ? err.message : String(err)})`, {
      cause: err,
    });
  }
  // The same buffers are fed at every run: one tensor object per buffer and shape.
  const tensors = new WeakMap<GPUBuffer, { key: string; tensor: OrtWebgpu.Tensor }>();
  const tensorOf = (feed: GpuFeed): OrtWebgpu.Tensor => {
    const key = feed.dims.join('x');
    const known = tensors.get(feed.buffer);
    if (known?.key === key) return known.tensor;
    const tensor = ort.Tensor.fromGpuBuffer(feed.buffer, { dataType: 'float32', dims: feed.dims });
    tensors.set(feed.buffer, { key, tensor });
    return tensor;
  };
  return {
    async run(feeds) {
      const input: Record<string, OrtWebgpu.Tensor> = {};
      for (const [name, feed] of feeds) input[name] = tensorOf(feed);
      const result = await session.run(input);
      const out = result[outputName];
      for (const [name, value] of Object.entries(result)) if (name !== outputName) value.dispose();
      if (out === undefined || out.type !== 'float32' || out.location !== 'gpu-buffer') {
        out?.dispose();
        throw new Error(`onnx: the output "${outputName}" is missing, not float32 or not in a GPU buffer`);
      }
      return { buffer: out.gpuBuffer, dims: out.dims, release: () => out.dispose() };
    },
    release: () => session.release(),
  };
}
