import type { ColormapName } from '../state/appState';
import { colormapCss, nonFiniteColor, rgbCss } from './colormaps';
import type { LossScale } from './heights';
import { formatTick, lossTicks } from './ticks';

const BAR_HEIGHT_PX = 220;
const TEXT_COLOR = '#dfe3ea';

/**
 * The colour bar: an HTML overlay on the right of the view, in loss units (log-aware), using the
 * same scale as the mesh so a colour on the bar is the colour of that loss on the surface.
 */
export class ColorBar {
  readonly element: HTMLDivElement;
  private readonly title: HTMLDivElement;
  private readonly bar: HTMLDivElement;
  private readonly ticks: HTMLDivElement;
  private readonly notes: HTMLDivElement;
  /** The greyed part of the bar: the losses above the water level E, when the water level is shown. */
  private readonly greyed: HTMLDivElement;
  private scale: LossScale | null = null;
  private waterLevel: number | null = null;
  /** A line of its own under the notes (compare mode: the bar is shared by two views). */
  private readonly note: HTMLDivElement;

  constructor(container: HTMLElement) {
    const doc = container.ownerDocument;
    this.element = doc.createElement('div');
    this.element.className = 'surface-colorbar';
    Object.assign(this.element.style, {
      position: 'absolute',
      right: '14px',
      top: '14px',
      padding: '10px 12px 10px 12px',
      borderRadius: '6px',
      background: 'rgba(16, 19, 24, 0.78)',
      border: '1px solid rgba(255, 255, 255, 0.08)',
      color: TEXT_COLOR,
      font: '13px/1.25 system-ui, -apple-system, "Segoe UI", sans-serif',
      fontVariantNumeric: 'tabular-nums',
      // Its own place on the page (the box is framed clear of it), so it takes the pointer rather than passing it to the canvas.
      pointerEvents: 'auto',
      userSelect: 'none',
      zIndex: '1',
    });
    this.title = doc.createElement('div');
    Object.assign(this.title.style, { fontWeight: '600', fontSize: '14px', marginBottom: '8px', textAlign: 'left' });
    const body = doc.createElement('div');
    body.className = 'surface-colorbar-body';
    Object.assign(body.style, { position: 'relative', display: 'flex', height: `${BAR_HEIGHT_PX}px` });
    this.bar = doc.createElement('div');
    Object.assign(this.bar.style, {
      width: '14px',
      height: '100%',
      borderRadius: '2px',
      border: '1px solid rgba(255, 255, 255, 0.25)',
      boxSizing: 'border-box',
    });
    this.ticks = doc.createElement('div');
    Object.assign(this.ticks.style, { position: 'relative', width: '64px', height: '100%', marginLeft: '4px' });
    this.greyed = doc.createElement('div');
    this.greyed.className = 'surface-colorbar-greyed';
    Object.assign(this.greyed.style, {
      position: 'absolute',
      left: '0',
      top: '0',
      width: '14px',
      boxSizing: 'border-box',
      borderRadius: '2px 2px 0 0',
      // The mesh greys the surface above E; the bar shows the same range washed out, with the shore line at E.
      background: 'repeating-linear-gradient(135deg, rgba(150, 150, 150, 0.82) 0 3px, rgba(110, 110, 110, 0.82) 3px 6px)',
      borderBottom: '2px solid #ffffff',
      display: 'none',
    });
    body.append(this.bar, this.ticks, this.greyed);
    this.notes = doc.createElement('div');
    Object.assign(this.notes.style, { marginTop: '10px', fontSize: '12px', color: '#b9c0cc' });
    this.note = doc.createElement('div');
    this.note.className = 'surface-colorbar-note';
    Object.assign(this.note.style, { marginTop: '6px', fontSize: '12px', color: '#b9c0cc', maxWidth: '120px' });
    this.note.hidden = true;
    this.element.append(this.title, body, this.notes, this.note);
    container.append(this.element);
  }

  /**
   * The water level as drawn on the surface: `null` when it is not shown, else E in loss units. The
   * part of the bar above E is greyed like the surface, and a note says so.
   */
  setWater(level: number | null): void {
    this.waterLevel = level !== null && Number.isFinite(level) ? level : null;
    this.placeWater();
  }

  private placeWater(): void {
    const scale = this.scale;
    const level = this.waterLevel;
    const note = this.notes.querySelector<HTMLElement>('.surface-colorbar-water');
    if (scale === null || level === null) {
      this.greyed.style.display = 'none';
      this.element.dataset.greyedAbove = '';
      note?.remove();
      return;
    }
    const unit = scale.toUnit(level);
    const below = Number.isFinite(unit) ? Math.min(1, Math.max(0, unit)) : level > scale.top ? 1 : 0;
    this.greyed.style.display = below >= 1 ? 'none' : 'block';
    this.greyed.style.height = `${((1 - below) * 100).toFixed(2)}%`;
    this.element.dataset.greyedAbove = String(level);
    const text = below >= 1 ? 'nothing greyed: E is above the top' : `grey: loss above E = ${formatTick(level)}`;
    if (note) {
      note.textContent = text;
    } else {
      const row = this.element.ownerDocument.createElement('div');
      row.className = 'surface-colorbar-water';
      row.textContent = text;
      this.notes.prepend(row);
    }
  }

  /** A note under the bar; null hides it. */
  setNote(text: string | null): void {
    this.note.textContent = text ?? '';
    this.note.hidden = text === null;
  }

  update(colormapName: ColormapName, scale: LossScale, surfaceMax: number, nonFinite: number): void {
    this.scale = scale;
    this.title.textContent = scale.logScale ? 'loss (log)' : 'loss';
    this.bar.style.background = colormapCss(colormapName, 24);
    this.ticks.replaceChildren();
    const doc = this.element.ownerDocument;
    for (const tick of lossTicks(scale, 5)) {
      const row = doc.createElement('div');
      Object.assign(row.style, {
        position: 'absolute',
        left: '0',
        bottom: `${(tick.unit * 100).toFixed(2)}%`,
        transform: 'translateY(50%)',
        display: 'flex',
        alignItems: 'center',
        whiteSpace: 'nowrap',
      });
      const mark = doc.createElement('span');
      Object.assign(mark.style, { width: '5px', height: '1px', background: TEXT_COLOR, marginRight: '4px' });
      const label = doc.createElement('span');
      label.textContent = tick.label;
      row.append(mark, label);
      this.ticks.append(row);
    }
    this.notes.replaceChildren();
    if (scale.top < surfaceMax) {
      const clip = doc.createElement('div');
      clip.textContent = `clipped above ${formatTick(scale.top)}`;
      this.notes.append(clip);
    }
    if (nonFinite > 0) {
      const row = doc.createElement('div');
      Object.assign(row.style, { display: 'flex', alignItems: 'center', gap: '6px', marginTop: '4px' });
      const swatch = doc.createElement('span');
      Object.assign(swatch.style, {
        width: '12px',
        height: '12px',
        borderRadius: '2px',
        background: rgbCss(nonFiniteColor(colormapName)),
      });
      const text = doc.createElement('span');
      text.textContent = `Inf/NaN (${nonFinite})`;
      row.append(swatch, text);
      this.notes.append(row);
    }
    this.placeWater();
  }

  dispose(): void {
    this.element.remove();
  }
}
