/**
 * The spectrum card: the Hessian at θ₀ (top and bottom eigenvalues, the SLQ density, Hutchinson's trace
 * beside the trace that random planes see), buttons that put the plane on Hessian eigenvectors, and the
 * read-out of a curvature plane on screen, which calls a saddle a saddle (docs/curvature.md).
 */
import { element } from '../ui/element';
import type { CurvatureAxes } from '../engine/curvaturePlane';
import type { Engine, PipelineResult } from '../engine/pipeline';
import { AbortError } from '../gpu/lossGrid.types';
import { allEigenpairs, clampHessianOptions, densityOf, HESSIAN_DEFAULTS, type HessianResult } from '../landscape/hessian';
import { errorMessage } from '../model/errors';
import type { AppState, PlaneDirections } from '../state/appState';
import { SpectrumChart } from '../view/spectrumChart';

/** What `landscape.hessian()` resolves with (docs/console-api.md). */
export interface HessianApiResult {
  /** Largest first: the top eigenvalues, then the bottom ones. */
  readonly eigenvalues: number[];
  /** Unit eigenvectors (Ritz vectors) in the order of `eigenvalues`. */
  readonly vectors: Float64Array[];
  /** Residual bounds ‖H·x − λ·x‖ from Lanczos, in the same order. */
  readonly residuals: number[];
  /** Hutchinson's estimate of tr H (NaN without probes) and its standard error. */
  readonly trace: number;
  readonly traceStderr: number;
  /** n × the mean second difference of the loss along random unit directions, and its standard error. */
  readonly traceFromPlanes: number;
  readonly traceFromPlanesStderr: number;
  /** How many of the random directions curve downward. */
  readonly negativeDirections: number;
  readonly parameters: number;
  readonly iterations: number;
  readonly step: number;
  readonly gradientNorm: number;
  readonly density: { x: number[]; density: number[] } | null;
  readonly device: string;
  readonly ms: number;
  readonly notices: string[];
}

export interface SpectrumParts {
  readonly engine: Engine;
  /** The engine's result on screen (null when another plane, a file or a curve plane, is shown). */
  readonly result: () => PipelineResult | null;
  readonly apply: (partial: unknown) => Promise<void>;
  readonly state: () => AppState;
}

export class SpectrumController {
  private readonly card: HTMLElement;
  private readonly status: HTMLElement;
  private readonly readout: HTMLElement;
  private readonly values: HTMLElement;
  private readonly traces: HTMLElement;
  private readonly chart = new SpectrumChart(document);
  private job: AbortController | null = null;
  private shown: { theta: Float32Array; result: HessianResult } | null = null;

  constructor(
    column: HTMLElement,
    private readonly parts: SpectrumParts,
  ) {
    const doc = column.ownerDocument;
    const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text = ''): HTMLElementTagNameMap[K] =>
      element(doc, tag, cls, text);
    this.card = el('section', 'sublevel-card spectrum-card');
    const buttons = el('div', 'connect-buttons');
    const button = (label: string, title: string, onClick: () => void): void => {
      const b = el('button', '', label);
      b.title = title;
      b.addEventListener('click', onClick);
      buttons.append(b);
    };
    button('spectrum', 'Top and bottom eigenvalues, the SLQ density and both trace estimates at θ₀', () => {
      void this.compute({}).catch(() => undefined);
    });
    const plane = (directions: PlaneDirections): void => void parts.apply({ plane: { directions } }).catch(() => undefined);
    button('v_max × v_min', 'Show the plane of the largest and the smallest eigenvector at θ₀', () => plane('hessian'));
    button('v₁ × v₂', 'Show the plane of the two largest eigenvectors at θ₀', () => plane('hessian-top'));
    button('random', 'Back to the seeded random plane', () => plane('random'));
    this.status = el('div', 'sublevel-coverage spectrum-status', 'Press "spectrum" for the Hessian at θ₀.');
    this.readout = el('div', 'spectrum-readout');
    this.readout.hidden = true;
    this.values = el('div', 'spectrum-values');
    this.traces = el('div', 'spectrum-traces');
    this.chart.element.hidden = true;
    this.card.append(
      el('h2', 'sublevel-title', 'Hessian at θ₀'),
      buttons,
      this.readout,
      this.status,
      this.values,
      this.chart.element,
      this.traces,
    );
    column.prepend(this.card);
  }

  /** A surface was drawn: name the curvature plane's axes (or hide the read-out), drop a spectrum of another θ₀. */
  onSurface(): void {
    const r = this.parts.result();
    if (this.shown !== null && r?.theta !== this.shown.theta) this.clear('Press "spectrum" for the Hessian at this θ₀.');
    const axes = r === null ? null : this.parts.engine.curvatureOf(r.plane);
    this.readout.hidden = axes === null;
    if (axes !== null && r !== null) this.readout.replaceChildren(...this.planeLines(axes, r));
  }

  /** The console API's hessian(): options clamped, the job run, the card drawn. */
  async compute(raw: unknown): Promise<HessianApiResult> {
    const { options, ignored } = clampHessianOptions(raw, { ...HESSIAN_DEFAULTS, seed: this.parts.state().seed });
    const r = this.parts.result();
    if (r === null) throw new Error('no surface of the state on screen: await landscape.ready() (and leave a file or curve plane) first');
    this.job?.abort();
    const ctl = new AbortController();
    this.job = ctl;
    this.status.textContent = 'Hessian: Lanczos 0%';
    try {
      const { value, backend, warnings } = await this.parts.engine.hessian(r.model, r.theta, options, ctl.signal, (f) => {
        this.status.textContent = `Hessian: Lanczos ${Math.round(f * 100)}%`;
      });
      if (ctl.signal.aborted) throw new AbortError();
      this.shown = { theta: r.theta, result: value };
      this.draw(value, r, backend.label);
      const pairs = allEigenpairs(value);
      const density = densityOf(value);
      return {
        eigenvalues: pairs.map((p) => p.value),
        vectors: pairs.map((p) => p.vector),
        residuals: pairs.map((p) => p.residual),
        trace: value.trace?.value ?? Number.NaN,
        traceStderr: value.trace?.stderr ?? Number.NaN,
        traceFromPlanes: value.traceFromPlanes?.value ?? Number.NaN,
        traceFromPlanesStderr: value.traceFromPlanes?.stderr ?? Number.NaN,
        negativeDirections: value.traceFromPlanes?.negative ?? 0,
        parameters: value.size,
        iterations: value.iterations,
        step: value.step,
        gradientNorm: value.gradientNorm,
        density: density === null ? null : { x: Array.from(density.x), density: Array.from(density.density) },
        device: backend.label,
        ms: value.ms,
        notices: [...ignored, ...warnings],
      };
    } catch (err) {
      if (!ctl.signal.aborted && !(err instanceof AbortError)) this.status.textContent = `Hessian failed: ${errorMessage(err)}`;
      throw err;
    } finally {
      if (this.job === ctl) this.job = null;
    }
  }

  private clear(text: string): void {
    this.shown = null;
    this.values.replaceChildren();
    this.traces.replaceChildren();
    this.chart.element.hidden = true;
    this.status.textContent = text;
  }

  private draw(h: HessianResult, r: PipelineResult, device: string): void {
    const doc = this.card.ownerDocument;
    const line = (text: string, cls = 'spectrum-line'): HTMLElement => {
      const p = doc.createElement('div');
      p.className = cls;
      p.textContent = text;
      return p;
    };
    this.status.textContent =
      `n = ${h.size} parameters · ${h.iterations} Lanczos steps · H·v by central differences of gradients (ε = ${fmt(h.step)}) · ` +
      `${device} · ${(h.ms / 1000).toFixed(1)} s`;
    const top = h.top.map((p) => fmt(p.value)).join(', ');
    const bottom = h.bottom.map((p) => fmt(p.value)).join(', ');
    const rows = [line(`top: ${top}`, 'spectrum-line spectrum-top'), line(`bottom: ${bottom || '—'}`, 'spectrum-line spectrum-bottom')];
    const kinked = r.spec.activation === 'relu' || r.spec.activation === 'leaky_relu';
    if (kinked)
      rows.push(
        line(
          `${r.spec.activation} has kinks: these are curvatures averaged over steps of ±ε, not a pointwise Hessian.`,
          'spectrum-line spectrum-note',
        ),
      );
    this.values.replaceChildren(...rows);
    const n = h.size;
    const mean = h.traceFromPlanes !== null ? h.traceFromPlanes.value / n : h.trace !== null ? h.trace.value / n : Number.NaN;
    const density = densityOf(h);
    this.chart.element.hidden = false;
    this.chart.draw({
      x: density?.x ?? [],
      density: density?.density ?? [],
      top: h.top.map((p) => p.value),
      bottom: h.bottom.map((p) => p.value),
      meanCurvature: mean,
    });
    const t = h.trace;
    const p = h.traceFromPlanes;
    const lines: HTMLElement[] = [];
    if (t !== null)
      lines.push(
        line(
          `Hutchinson trace: ${fmt(t.value)} ± ${fmt(t.stderr)} (${t.samples} probes, the ${h.top.length + h.bottom.length} eigenvalues above counted exactly)`,
        ),
      );
    if (p !== null) {
      lines.push(
        line(`from random directions: ${fmt(p.value)} ± ${fmt(p.stderr)} (second differences of the loss along ${p.samples} directions)`),
      );
      lines.push(
        line(
          `A random direction curves by tr/n ≈ ${fmt(p.value / n)} on average and ${p.negative} of ${p.samples} curve downward, ` +
            `while λ_max = ${fmt(h.top[0]?.value ?? Number.NaN)} and λ_min = ${fmt(lowest(h))}: random planes see the mean of the spectrum, not its ends.`,
          'spectrum-line spectrum-note',
        ),
      );
    }
    this.traces.replaceChildren(...lines);
  }

  private planeLines(axes: CurvatureAxes, r: PipelineResult): HTMLElement[] {
    const doc = this.card.ownerDocument;
    const line = (text: string, cls: string): HTMLElement => {
      const p = doc.createElement('div');
      p.className = cls;
      p.textContent = text;
      return p;
    };
    const h = axes.hessian;
    const out = [
      line(
        `Curvature plane: α along ${axes.x.name} (λ = ${fmt(axes.x.eigenvalue)}), β along ${axes.y.name} (λ = ${fmt(axes.y.eigenvalue)}); unit vectors, so α and β are distances in weight space.`,
        'spectrum-line',
      ),
    ];
    const verdict = saddleVerdict(h);
    out.push(line(verdict.text, verdict.saddle ? 'spectrum-line spectrum-saddle' : 'spectrum-line spectrum-min'));
    const gradient = `‖∇L(θ₀)‖ = ${fmt(h.gradientNorm)}`;
    out.push(line(r.origin.kind === 'fixed' ? `${gradient} (θ₀ is ${r.origin.why})` : gradient, 'spectrum-line spectrum-note'));
    return out;
  }
}

/** The smallest eigenvalue found. */
function lowest(h: HessianResult): number {
  return Math.min(...allEigenpairs(h).map((p) => p.value));
}

/**
 * λ_min below −1e-3·max|λ| (beyond the products' stated accuracy) is negative curvature: a saddle.
 * Otherwise the Hessian is positive semi-definite to that accuracy.
 */
export function saddleVerdict(h: HessianResult): { saddle: boolean; text: string } {
  const values = allEigenpairs(h).map((p) => p.value);
  const min = Math.min(...values);
  const scale = Math.max(...values.map(Math.abs));
  if (min < -1e-3 * scale) {
    return { saddle: true, text: `λ_min = ${fmt(min)} < 0: θ₀ is a saddle — the loss curves down along v_min and up along v_max.` };
  }
  return {
    saddle: false,
    text: `λ_min = ${fmt(min)} is within 1e-3·max|λ| of 0 (the products' accuracy): no clear direction of negative curvature at θ₀.`,
  };
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : v.toPrecision(3);
}
