/**
 * Parts of the page that App wires together but that need nothing of it beyond a few calls: the engine
 * with its backends, the status line's adapter text, the store's outputs, and the preset gallery's host.
 */
import { splitOwnLink, type OwnExample } from '../state/ownExamples';
import type { Backend } from '../engine/backend';
import { gpuBackend } from '../engine/gpuBackend';
import { Engine } from '../engine/pipeline';
import { workerBackend } from '../engine/workerBackend';
import { acquireGpu, type GpuContext } from '../gpu/device';
import type { AppState } from '../state/appState';
import { decodeLink, type Preset } from '../state/presets';
import type { StatusBar } from '../ui/statusBar';
import type { SurfaceView } from '../view/surfaceView';
import { splitEngineLink } from './engineSwitch';
import { PresetController } from './presetController';
import type { SublevelController } from './sublevelController';
import { Store } from './store';

/** The CPU engine of the page, in words: the SIMD WebAssembly engine in the engine's Web Worker. */
export function pageCpuEngineLabel(): string {
  return `SIMD CPU engine (WebAssembly, ${crossOriginIsolated ? 'all cores' : 'one thread'}) in a Web Worker`;
}

/**
 * The page's engine: WebGPU when there is a device (a new one is asked for after a loss), and the CPU worker.
 * With WebGPU it calibrates at once (or reads this adapter's calibration from localStorage), so grids go to
 * the faster engine for their size (src/engine/calibrate.ts).
 */
export function pageEngine(gpu: GpuContext | null): Engine {
  const renewGpu = async (): Promise<Backend | null> => {
    const next = await acquireGpu(navigator.gpu);
    return next === null ? null : gpuBackend(next);
  };
  const engine = new Engine({
    gpu: gpu ? gpuBackend(gpu) : null,
    cpu: workerBackend,
    cpuEngineLabel: pageCpuEngineLabel(),
    ...(gpu ? { renewGpu } : {}),
  });
  void engine.calibrate(pageStorage());
  return engine;
}

/** localStorage where the page may use it (null: refused, e.g. a sandboxed frame). */
function pageStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** Says on the status line where the page computes (a warning for the CPU and for a software adapter). */
export function showAdapter(status: StatusBar, gpu: GpuContext | null): void {
  status.setAdapter(
    gpu ? `WebGPU · ${gpu.adapterName}` : `CPU fallback: WebGPU is not available here, the grid runs on the ${pageCpuEngineLabel()}`,
    gpu === null || gpu.isFallback,
  );
}

/**
 * The page's store: notices go to the status line, the state to the URL hash (with `extraHash`, the
 * viewer's own keys). A hash that is already there is not written again (a history entry replaced costs
 * the page's thread several milliseconds).
 */
export function pageStore(state: AppState, status: StatusBar, extraHash: () => string = () => ''): Store {
  return new Store(state, {
    notices: (lines, kind) => status.showNotice(lines, kind),
    hash: (text) => {
      const next = `#${text}${extraHash()}`;
      if (location.hash !== next) history.replaceState(null, '', next);
    },
  });
}

/** What the gallery and the preset note need of the page. */
export interface PresetParts {
  readonly store: Store;
  readonly engine: Engine;
  readonly view: SurfaceView;
  apply(state: unknown): Promise<void>;
  settled(): Promise<void>;
  /** Opens an example model of one's own (ONNX) from the gallery or an `own=` link. */
  openOwnExample(example: OwnExample): Promise<{ ok: true } | { ok: false; error: string }>;
}

/** The gallery and the note beside the view for the preset on screen. */
export function pagePresets(root: HTMLElement, p: PresetParts, opened: Preset | null, hash: string): PresetController {
  return new PresetController(
    root,
    {
      apply: (next) => p.apply(next),
      settled: () => p.settled(),
      state: () => p.store.state,
      drawnCanvas: () => {
        p.view.render();
        return p.view.canvas;
      },
      notify: (lines) => p.store.notify(lines),
      previewGrid: (next, gridSize, signal) => p.engine.previewGrid(next, gridSize, signal),
      canPreview: () => true, // without WebGPU, previewGrid runs on a CPU worker of its own
      openOwnExample: (example) => p.openOwnExample(example),
    },
    opened,
    hash,
  );
}

/** The merge level of A (α = β = 0) and B (α = 1, β = 0) on the surface on screen; NaN before one is drawn. */
export function mergeAtoB(sublevel: () => SublevelController): () => number {
  return () => {
    try {
      return sublevel().mergeLevel({ alpha: 0, beta: 0 }, { alpha: 1, beta: 0 });
    } catch {
      return Number.NaN;
    }
  };
}

/**
 * A page's link: `eng=` (the grid engine) is the engine switch's, `own=<id>` (an example model) the preset
 * controller's; the state is the rest. `link` is the hash without `eng=`; `ignored` what could not be read.
 */
export function readPageLink(hash: string): { link: string; decoded: ReturnType<typeof decodeLink>; ignored: string[] } {
  const engineLink = splitEngineLink(hash);
  const decoded = decodeLink(splitOwnLink(engineLink.rest).rest);
  return { link: engineLink.rest, decoded, ignored: [...engineLink.ignored, ...decoded.ignored] };
}
