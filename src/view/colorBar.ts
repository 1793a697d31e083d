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
    body.append(this.bar, this.ticks);
    this.notes = doc.createElement('div');
    Object.assign(this.notes.style, { marginTop: '10px', fontSize: '12px', color: '#b9c0cc' });
    this.element.append(this.title, body, this.notes);
    container.append(this.element);
  }

  update(colormapName: ColormapName, scale: LossScale, surfaceMax: number, nonFinite: number): void {
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
  }

  dispose(): void {
    this.element.remove();
  }
}
