/**
 * The SIMD CPU engine: the loss grid in float32 WebAssembly (128-bit SIMD), split over worker threads
 * that share one memory (worker_threads in Node, Web Workers in a cross-origin isolated page), on one
 * thread otherwise. The same first-layer factorisation and register tiles as the WGSL kernel; the
 * float64 twin (src/gpu/lossGrid.cpu.ts) stays as the oracle it is tested against.
 */
import { AbortError, type GridRequest, type GridResult, type GridRunOptions } from '../gpu/lossGrid.types';
import { isClassifier, lossDivisor } from '../model/network';
import type { VectorLossResult } from '../gpu/vectorLoss.types';
import type { Samples } from '../model/samples';
import { paramLayout, type MlpSpec } from '../model/spec';
import { CONTROL, planGrid, planVectors } from './layout';
import type { EnginePlatform, EngineVariant, PoolWorker, WorkerMessage } from './platform';

/** A job larger than one WebAssembly memory (4 GiB): that job goes to the float64 twin, later ones still come here. */
export class CpuEngineTooLarge extends Error {
  constructor(bytes: number) {
    super(`the job needs ${(bytes / 2 ** 30).toFixed(1)} GiB, more than one WebAssembly memory holds`);
    this.name = 'CpuEngineTooLarge';
  }
}

const MAX_PAGES = 65536;

export interface CpuEngineOptions {
  /** Threads to use (default: all the platform offers); 1 runs in the calling thread. */
  readonly threads?: number;
}

/** A pool thread and the handler of the phase it is running now (one listener per thread, for its whole life). */
interface PoolThread {
  readonly worker: PoolWorker;
  onMessage: (message: WorkerMessage) => void;
  onError: (error: unknown) => void;
  /** The thread died (an uncaught error): it leaves the pool, a new one takes its place. */
  dead: boolean;
}

interface Runtime {
  readonly platform: EnginePlatform;
  readonly modules: Map<EngineVariant, Promise<WebAssembly.Module>>;
  readonly threads: PoolThread[];
}

function spawnThread(platform: EnginePlatform): PoolThread {
  const thread: PoolThread = { worker: platform.spawn(), onMessage: () => undefined, onError: () => undefined, dead: false };
  thread.worker.onMessage((message) => thread.onMessage(message));
  thread.worker.onError((error) => {
    thread.dead = true;
    thread.onError(error);
  });
  return thread;
}

let runtime: Promise<Runtime> | null = null;

function isNode(): boolean {
  return typeof process === 'object' && typeof process.versions === 'object' && typeof process.versions.node === 'string';
}

async function loadPlatform(): Promise<EnginePlatform> {
  if (isNode()) {
    // Hidden from the page's bundler: Node's side compiles the engine and uses worker_threads.
    const nodeSide = './nodePlatform.ts';
    return ((await import(/* @vite-ignore */ nodeSide)) as { platform: EnginePlatform }).platform;
  }
  return (await import('./browserPlatform')).platform;
}

function getRuntime(): Promise<Runtime> {
  runtime ??= loadPlatform().then((platform) => ({ platform, modules: new Map(), threads: [] }));
  return runtime;
}

function moduleOf(rt: Runtime, variant: EngineVariant): Promise<WebAssembly.Module> {
  let module = rt.modules.get(variant);
  if (!module) {
    // Compiled synchronously (the module is a few KiB): a pending asynchronous compile does not keep Node's event loop alive.
    module = rt.platform.binary(variant).then((bytes) => new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
    rt.modules.set(variant, module);
  }
  return module;
}

/** Threads the engine would use here (1 where shared memory is unavailable). */
export async function cpuEngineThreads(): Promise<number> {
  return (await getRuntime()).platform.threads;
}

/** Which platform and how many threads, for status lines and the bench. */
export async function describeCpuEngine(threads?: number): Promise<string> {
  const rt = await getRuntime();
  const n = Math.max(1, Math.min(threads ?? rt.platform.threads, rt.platform.threads));
  return `SIMD CPU engine (WebAssembly, ${n} thread${n === 1 ? '' : 's'})`;
}

interface PhaseJob {
  readonly fn: 'firstLayer' | 'grid' | 'vectors' | 'gradient';
  readonly total: number;
  readonly chunk: number;
  readonly counter: number;
  /** Chunk c runs on scratch region `scratch + c·scratchStride` whichever thread takes it (0: the thread's own). */
  readonly scratchStride?: number;
}

/** Runs one phase on the pool's first `count` workers; resolves when all have stopped. */
function runPhase(
  rt: Runtime,
  count: number,
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  plan: { readonly header: number; readonly scratch: readonly number[] },
  job: PhaseJob,
  onCount: (n: number) => void,
): Promise<void> {
  for (let i = rt.threads.length - 1; i >= 0; i--) if (rt.threads[i]?.dead === true) rt.threads.splice(i, 1);
  while (rt.threads.length < count) rt.threads.push(spawnThread(rt.platform));
  const threads = rt.threads.slice(0, count);
  return new Promise<void>((resolve, reject) => {
    let running = count;
    let failure: Error | null = null;
    const finish = (): void => {
      running--;
      if (running > 0) return;
      threads.forEach((t) => {
        t.onMessage = () => undefined;
        t.onError = () => undefined;
        t.worker.hold(false);
      });
      if (failure) reject(failure);
      else resolve();
    };
    threads.forEach((thread, i) => {
      thread.onMessage = (message) => {
        if (message.type === 'progress') onCount(message.count);
        else if (message.type === 'error') {
          failure ??= new Error(`SIMD CPU engine worker: ${message.message}`);
          // Stop the others early; the job has failed.
          Atomics.store(new Int32Array(memory.buffer, 0, 4), CONTROL.cancel, 1);
          finish();
        } else finish();
      };
      thread.onError = (error) => {
        failure ??= error instanceof Error ? error : new Error(String(error));
        Atomics.store(new Int32Array(memory.buffer, 0, 4), CONTROL.cancel, 1);
        finish();
      };
      thread.worker.hold(true);
      thread.worker.post({ ...job, module, memory, header: plan.header, scratch: plan.scratch[i] ?? 0 });
    });
  });
}

type Kernels = {
  firstLayer: (header: number, start: number, end: number) => void;
  grid: (header: number, scratch: number, start: number, end: number) => void;
  vectors: (header: number, scratch: number, start: number, end: number) => void;
  gradient: (header: number, scratch: number, blockStart: number, blockEnd: number) => void;
};

/**
 * Loss (and accuracy for classifiers) at every grid point of `req`, as lossGridCpu answers, in
 * float32. Cancellation (`opts.signal`) stops every thread between chunks of points.
 */
export async function lossGridWasm(req: GridRequest, opts: GridRunOptions = {}, engine: CpuEngineOptions = {}): Promise<GridResult> {
  const rt = await getRuntime();
  const threads = Math.max(1, Math.min(engine.threads ?? rt.platform.threads, rt.platform.threads, 64));
  const threaded = threads > 1;
  const plan = planGrid(req, threads);
  if (plan.pages > MAX_PAGES) throw new CpuEngineTooLarge(plan.bytes);
  const module = await moduleOf(rt, threaded ? 'shared' : 'single');
  if (opts.signal?.aborted) throw new AbortError();
  const memory = new WebAssembly.Memory({ initial: plan.pages, maximum: plan.pages, shared: threaded });
  plan.pack(memory.buffer);
  const points = plan.points;
  const chunk = Math.max(1, Math.min(req.gridSize, Math.ceil(points / (threads * 16))));
  let done = 0;
  const onCount = (n: number): void => {
    done += n;
    opts.onProgress?.(done / points);
  };

  if (threaded) {
    const control = new Int32Array(memory.buffer, 0, 4);
    const cancel = (): void => void Atomics.store(control, CONTROL.cancel, 1);
    opts.signal?.addEventListener('abort', cancel);
    try {
      const sampleChunk = Math.max(8, Math.ceil(plan.paddedSamples / (threads * 4 * 8)) * 8);
      const firstJob = { fn: 'firstLayer', total: plan.paddedSamples, chunk: sampleChunk, counter: CONTROL.firstCounter } as const;
      await runPhase(rt, threads, module, memory, plan, firstJob, () => undefined);
      if (!opts.signal?.aborted) {
        const gridJob = { fn: 'grid', total: points, chunk, counter: CONTROL.gridCounter } as const;
        await runPhase(rt, threads, module, memory, plan, gridJob, onCount);
      }
    } finally {
      opts.signal?.removeEventListener('abort', cancel);
    }
    if (opts.signal?.aborted) throw new AbortError();
  } else {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const kernels = instance.exports as unknown as Kernels;
    kernels.firstLayer(plan.header, 0, plan.paddedSamples);
    for (let start = 0; start < points; start += chunk) {
      if (opts.signal?.aborted) throw new AbortError();
      const end = Math.min(points, start + chunk);
      kernels.grid(plan.header, plan.scratch[0] ?? 0, start, end);
      onCount(end - start);
    }
  }

  const sums = new Float64Array(memory.buffer, plan.lossAt, points);
  const correct = new Float64Array(memory.buffer, plan.correctAt, points);
  const divisor = lossDivisor(req.spec, req.samples.m);
  const loss = new Float32Array(points);
  for (let p = 0; p < points; p++) loss[p] = (sums[p] ?? 0) / divisor;
  if (!isClassifier(req.spec.loss)) return { loss };
  const accuracy = new Float32Array(points);
  for (let p = 0; p < points; p++) accuracy[p] = (correct[p] ?? 0) / req.samples.m;
  return { loss, accuracy };
}

/**
 * Loss (and accuracy for classifiers) at `count` parameter vectors laid end to end in `thetas`, as
 * vectorLossCpu answers, in float32: points along paths, kept minima. Vectors are split over the threads.
 */
export async function lossAtWasm(
  spec: MlpSpec,
  samples: Samples,
  thetas: Float32Array,
  count: number,
  opts: GridRunOptions = {},
  engine: CpuEngineOptions = {},
): Promise<VectorLossResult> {
  const rt = await getRuntime();
  const threads = Math.max(1, Math.min(engine.threads ?? rt.platform.threads, rt.platform.threads, count, 64));
  const threaded = threads > 1;
  const plan = planVectors(spec, samples, thetas, count, threads);
  if (plan.pages > MAX_PAGES) throw new CpuEngineTooLarge(plan.pages * 65536);
  const module = await moduleOf(rt, threaded ? 'shared' : 'single');
  if (opts.signal?.aborted) throw new AbortError();
  const memory = new WebAssembly.Memory({ initial: plan.pages, maximum: plan.pages, shared: threaded });
  plan.pack(memory.buffer);
  let done = 0;
  const onCount = (n: number): void => {
    done += n;
    opts.onProgress?.(done / count);
  };
  if (threaded) {
    const control = new Int32Array(memory.buffer, 0, 4);
    const cancel = (): void => void Atomics.store(control, CONTROL.cancel, 1);
    opts.signal?.addEventListener('abort', cancel);
    try {
      const job = { fn: 'vectors', total: count, chunk: 1, counter: CONTROL.gridCounter } as const;
      await runPhase(rt, threads, module, memory, plan, job, onCount);
    } finally {
      opts.signal?.removeEventListener('abort', cancel);
    }
    if (opts.signal?.aborted) throw new AbortError();
  } else {
    const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Kernels;
    for (let p = 0; p < count; p++) {
      if (opts.signal?.aborted) throw new AbortError();
      kernels.vectors(plan.header, plan.scratch[0] ?? 0, p, p + 1);
      onCount(1);
    }
  }
  const sums = new Float64Array(memory.buffer, plan.lossAt, count);
  const correct = new Float64Array(memory.buffer, plan.correctAt, count);
  const divisor = lossDivisor(spec, samples.m);
  const losses = new Float32Array(count);
  for (let p = 0; p < count; p++) losses[p] = (sums[p] ?? 0) / divisor;
  if (!isClassifier(spec.loss)) return { losses };
  const accuracy = new Float32Array(count);
  for (let p = 0; p < count; p++) accuracy[p] = (correct[p] ?? 0) / samples.m;
  return { losses, accuracy };
}

/** Gradient sums go into this many slices of the samples at most, each with its own scratch region. */
export const GRADIENT_SLICES = 16;
/** Samples × parameters of one step below which a session runs on one thread unless told otherwise. */
const GRADIENT_THREADED_WORK = 1 << 21;
/** The slices' scratch regions together stay under this many bytes where one slice fits. */
const GRADIENT_SLICE_BYTES = 1 << 28;

/**
 * Loss and gradient of one network on a fixed number of samples, with the memory, the samples and the
 * compiled engine kept between calls: a training loop calls `run` once per step and `load` for a new batch
 * of the same size. The samples are cut into at most GRADIENT_SLICES slices of whole blocks of eight, fixed
 * by the sample count alone; each slice sums into its own region (per-lane float32 sums, the loss in
 * float64) and the slices are added here in order, in float64. So the result is the same bit for bit on
 * one thread or many, on any machine — a trained θ₀ does not depend on the number of cores.
 */
export interface GradientSession {
  readonly paramCount: number;
  readonly sampleCount: number;
  /** Another set of `sampleCount` samples (a mini-batch). */
  load(samples: Samples): void;
  /** Mean loss at θ and its gradient (written into `grad`, float64). */
  run(theta: ArrayLike<number>, grad: Float64Array): Promise<number>;
}

export async function gradientSessionWasm(spec: MlpSpec, samples: Samples, engine: CpuEngineOptions = {}): Promise<GradientSession> {
  const rt = await getRuntime();
  const layout = paramLayout(spec);
  const P = layout.size;
  const m = samples.m;
  const blocks8 = Math.ceil(m / 8);
  // Fewer slices for a large network, so their regions (about 20 bytes per parameter each) stay within
  // GRADIENT_SLICE_BYTES; still a function of the network and the sample count only, never of the threads.
  const sliceBytes = planVectors(spec, samples, new Float32Array(P), 1, 1, true).scratchBytes;
  const maxSlices = Math.max(1, Math.min(GRADIENT_SLICES, Math.floor(GRADIENT_SLICE_BYTES / sliceBytes)));
  const chunk = Math.max(1, Math.ceil(blocks8 / maxSlices));
  const slices = Math.max(1, Math.ceil(blocks8 / chunk));
  // A small step (the default page's: 256 samples × 1,153 parameters, about a millisecond) gains about what
  // the round trip to the pool costs: one thread, the other cores free; the result is the same either way.
  const wanted = engine.threads ?? (m * P < GRADIENT_THREADED_WORK ? 1 : rt.platform.threads);
  const threads = Math.max(1, Math.min(wanted, rt.platform.threads, slices, 64));
  const threaded = threads > 1;
  const plan = planVectors(spec, samples, new Float32Array(P), 1, slices, true);
  if (plan.pages > MAX_PAGES) throw new CpuEngineTooLarge(plan.pages * 65536);
  const sums = plan.gradient;
  if (!sums) throw new Error('gradient plan without gradient sums');
  const module = await moduleOf(rt, threaded ? 'shared' : 'single');
  const memory = new WebAssembly.Memory({ initial: plan.pages, maximum: plan.pages, shared: threaded });
  plan.pack(memory.buffer);
  const kernels = threaded ? null : (new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Kernels);
  const scratch0 = plan.scratch[0] ?? 0;
  const stride = plan.scratchBytes;
  const divisor = lossDivisor(spec, m);
  const theta32 = new Float32Array(P);
  const bytes = new Uint8Array(memory.buffer);
  const f32 = new Float32Array(memory.buffer);
  const f64 = new Float64Array(memory.buffer);
  const gradStart = sums.layerOffsets[0] ?? stride;
  let busy = false;
  return {
    paramCount: P,
    sampleCount: m,
    load: (data) => plan.packSamples(memory.buffer, data),
    run: async (theta, grad) => {
      if (busy) throw new Error('a gradient session runs one step at a time');
      busy = true;
      try {
        for (let i = 0; i < P; i++) theta32[i] = theta[i] ?? 0;
        plan.packThetas(memory.buffer, theta32);
        // Fresh sums in every slice, fresh counters.
        for (let c = 0; c < slices; c++) {
          const base = scratch0 + c * stride;
          bytes.fill(0, base + sums.sumsOffset, base + sums.sumsOffset + 32);
          bytes.fill(0, base + gradStart, base + stride);
        }
        if (kernels) {
          for (let c = 0; c < slices; c++)
            kernels.gradient(plan.header, scratch0 + c * stride, c * chunk, Math.min(blocks8, (c + 1) * chunk));
        } else {
          new Int32Array(memory.buffer, 0, 4).fill(0);
          const job = { fn: 'gradient', total: blocks8, chunk, counter: CONTROL.gridCounter, scratchStride: stride } as const;
          await runPhase(
            rt,
            threads,
            module,
            memory,
            { header: plan.header, scratch: new Array<number>(threads).fill(scratch0) },
            job,
            () => undefined,
          );
        }
        grad.fill(0, 0, P);
        let loss = 0;
        for (let c = 0; c < slices; c++) {
          const base = scratch0 + c * stride;
          loss += (f64[(base + sums.sumsOffset) / 8] ?? 0) + (f64[(base + sums.sumsOffset) / 8 + 1] ?? 0);
          layout.layers.forEach((layer, l) => {
            const at = (base + (sums.layerOffsets[l] ?? 0)) / 4;
            const entries = layer.inputs + 1;
            for (let j = 0; j < layer.outputs; j++) {
              const row = at + ((j >> 2) * entries * 4 + (j & 3)) * 4;
              for (let e = 0; e < entries; e++) {
                if (e === 0 && layer.biasOffset < 0) continue;
                const v = row + e * 16;
                const sum = (f32[v] ?? 0) + (f32[v + 1] ?? 0) + (f32[v + 2] ?? 0) + (f32[v + 3] ?? 0);
                const index = e === 0 ? layer.biasOffset + j : layer.weightOffset + j * layer.inputs + e - 1;
                grad[index] = (grad[index] ?? 0) + sum;
              }
            }
          });
        }
        for (let i = 0; i < P; i++) grad[i] = (grad[i] ?? 0) / divisor;
        return loss / divisor;
      } finally {
        busy = false;
      }
    },
  };
}

/**
 * Mean loss and its gradient at θ over all samples, as lossAndGradient (src/model/network.ts) answers,
 * in float32 with float64 sums (one call of a GradientSession; training keeps the session).
 */
export async function lossAndGradientWasm(
  spec: MlpSpec,
  samples: Samples,
  theta: Float32Array,
  engine: CpuEngineOptions = {},
): Promise<{ loss: number; grad: Float64Array }> {
  const session = await gradientSessionWasm(spec, samples, engine);
  const grad = new Float64Array(session.paramCount);
  const loss = await session.run(theta, grad);
  return { loss, grad };
}
