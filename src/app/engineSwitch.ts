/**
 * Which engine computes the page's grids: the `eng=` key of the link (auto, gpu, gpu-<variant>, cpu), the
 * panel's "Engine" folder and `landscape.engine()`. 'auto' is the calibration's pick per workload size
 * (src/engine/calibrate.ts). The status line names the engine each grid ran on and why.
 */
import type GUI from 'lil-gui';
import { engineChoices, isEngineChoice, type Calibration, type EngineChoice } from '../engine/calibrate';
import type { GpuContext } from '../gpu/device';
import type { Engine } from '../engine/pipeline';
import type { StatusBar } from '../ui/statusBar';

/**
 * `?eng=…` in the page's query: the viewer's own default (like `?ask=never`), never written into the hash or
 * a copied link; `#…&eng=…` in the hash wins over it. Null when absent or not a choice.
 */
export function engineFromSearch(search: string): EngineChoice | null {
  const value = new URLSearchParams(search).get('eng');
  return value !== null && isEngineChoice(value) ? value : null;
}

/** The `eng=` key of a link split from the rest (the state's own decoder never sees it). */
export function splitEngineLink(hash: string): { choice: EngineChoice; rest: string; ignored: string[] } {
  const text = hash.replace(/^#/, '');
  const rest: string[] = [];
  let raw: string | null = null;
  for (const pair of text.split('&')) {
    if (pair.startsWith('eng=')) raw = pair.slice('eng='.length);
    else if (pair !== '') rest.push(pair);
  }
  if (raw === null) return { choice: 'auto', rest: rest.join('&'), ignored: [] };
  let value = raw;
  try {
    value = decodeURIComponent(raw);
  } catch {
    // kept as written: refused below
  }
  if (isEngineChoice(value)) return { choice: value, rest: rest.join('&'), ignored: [] };
  return {
    choice: 'auto',
    rest: rest.join('&'),
    ignored: [`eng ${JSON.stringify(value.slice(0, 40))} is not one of ${engineChoices().join(', ')}; kept "auto"`],
  };
}

/** What `landscape.engine()` answers. */
export interface EngineApiResult {
  /** What was asked for: 'auto' (the calibration's pick), 'gpu', 'gpu-<variant>' or 'cpu'. */
  readonly choice: EngineChoice;
  readonly choices: readonly EngineChoice[];
  /** The engine the last grid ran on (null before one ran): 'cpu' or 'gpu-<variant>'. */
  readonly used: string | null;
  readonly kind: 'webgpu' | 'cpu' | null;
  readonly label: string | null;
  readonly why: string | null;
  /** The measured rates (points per second at each workload size) and the engines that failed; null without one. */
  readonly calibration: Calibration | null;
}

export class EngineSwitch {
  private readonly shown = { engine: 'auto' as string };
  private controller: ReturnType<GUI['add']> | null = null;
  /** The choice goes into the page's hash: it came from the hash, the panel or the console (not `?eng=`). */
  private inHash: boolean;

  constructor(
    private readonly engine: Engine,
    status: StatusBar,
    private readonly recompute: () => Promise<void>,
    softwareAdapter: boolean,
    initial: { readonly choice: EngineChoice; readonly inHash: boolean },
  ) {
    engine.setEngineChoice(initial.choice);
    this.inHash = initial.inHash && initial.choice !== 'auto';
    this.shown.engine = initial.choice;
    engine.onEngineUsed = (use) => {
      if (engine.gpu === null) status.setAdapter(`CPU fallback: WebGPU is not available here, the grid runs on the ${use.label}`, true);
      else status.setAdapter(`${use.label} · ${use.why}`, use.kind === 'webgpu' && softwareAdapter);
    };
  }

  /** The panel's control (in the folder given). */
  addControl(folder: GUI): void {
    this.controller = folder
      .add(this.shown, 'engine', this.choices())
      .name('grid engine')
      .onChange((value: string) => void this.set(value).catch(() => undefined));
    this.controller.domElement.setAttribute(
      'title',
      'auto: the fastest engine measured on this device for the network and data; or one engine',
    );
  }

  /** The `&eng=…` the page's hash carries (nothing for auto or a choice from `?eng=`). */
  hashSuffix(): string {
    const choice = this.engine.engineChoice;
    return this.inHash && choice !== 'auto' ? `&eng=${choice}` : '';
  }

  /** The choices that make sense here: no GPU engines without WebGPU. */
  choices(): EngineChoice[] {
    return engineChoices().filter((c) => this.engine.gpu !== null || !c.startsWith('gpu'));
  }

  info(): EngineApiResult {
    const used = this.engine.lastEngine;
    return {
      choice: this.engine.engineChoice,
      choices: this.choices(),
      used: used?.engine ?? null,
      kind: used?.kind ?? null,
      label: used?.label ?? null,
      why: used?.why ?? null,
      calibration: this.engine.calibration,
    };
  }

  /** Use `choice` for grids from now on and compute the surface again on it. */
  async set(choice: unknown): Promise<EngineApiResult> {
    if (typeof choice !== 'string' || !isEngineChoice(choice))
      throw new Error(`engine(${JSON.stringify(choice)}): use one of ${engineChoices().join(', ')}`);
    this.engine.setEngineChoice(choice);
    this.inHash = choice !== 'auto';
    this.shown.engine = choice;
    this.controller?.updateDisplay();
    await this.recompute();
    return this.info();
  }
}

/** The switch of a page opened with `hash` and `search`: `eng=` in the hash wins over the viewer's `?eng=`. */
export function engineSwitchFor(
  engine: Engine,
  status: StatusBar,
  recompute: () => Promise<void>,
  gpu: GpuContext | null,
  link: { readonly hash: string; readonly search: string },
): EngineSwitch {
  const fromSearch = engineFromSearch(link.search);
  const inHash = /(?:^|[#&])eng=/.test(link.hash);
  const choice = inHash || fromSearch === null ? splitEngineLink(link.hash).choice : fromSearch;
  return new EngineSwitch(engine, status, recompute, gpu?.isFallback ?? false, { choice, inHash });
}
