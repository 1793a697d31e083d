/**
 * The presets gallery: a card per preset (thumbnail, title, one line), shown to a first-time visitor
 * (no hash in the URL and the gallery never closed in this browser) and reopened by the "Gallery" button.
 *
 * Thumbnails are the app's own rendering, cached in localStorage keyed by the preset's full state, so a
 * changed preset never shows a stale picture. While the gallery is open, the app computes the presets
 * that have none, one after another at a small grid (on the GPU, or without one on a CPU worker of their
 * own), and draws each as a lit top view with isolines (src/view/thumbnail.ts); the first time a preset's
 * surface is drawn from its link, the 3-D view itself replaces that picture. Until then a card shows a
 * placeholder drawn from its colormap in a loading state, "computing the preview…" (data-state="loading";
 * "preview after first open" only where the host makes no previews).
 */
import './gallery.css';
import type { Preset } from '../state/presets';
import type { OwnExample } from '../state/ownExamples';
import type { ColormapName } from '../state/appState';
import { colormap, rgbCss } from '../view/colormaps';

export interface GalleryCallbacks {
  open(preset: Preset): void;
  /** An example model of one's own (ONNX) was picked. */
  openOwn?(example: OwnExample): void;
  /** The gallery opened or closed (thumbnails are made only while it is open). */
  visibility?(open: boolean): void;
  /** Whether missing thumbnails will be made while the gallery is open (the placeholder says so). */
  makesPreviews?(): boolean;
}

const SEEN_KEY = 'landscape.gallery.seen';
const THUMB_PREFIX = 'landscape.thumb.v1.';
export const THUMB_WIDTH = 320;
export const THUMB_HEIGHT = 200;

export class Gallery {
  private readonly overlay: HTMLElement;
  private readonly grid: HTMLElement;
  readonly button: HTMLButtonElement;

  constructor(
    root: HTMLElement,
    private readonly presets: readonly Preset[],
    private readonly keyOf: (preset: Preset) => string,
    private readonly callbacks: GalleryCallbacks,
    private readonly examples: readonly OwnExample[] = [],
  ) {
    this.button = document.createElement('button');
    this.button.id = 'gallery-button';
    this.button.type = 'button';
    this.button.textContent = 'Gallery';
    this.button.title = 'Presets that teach: open the gallery';
    this.button.addEventListener('click', () => this.show());

    this.overlay = document.createElement('div');
    this.overlay.id = 'gallery';
    this.overlay.hidden = true;
    this.overlay.setAttribute('role', 'dialog');
    this.overlay.setAttribute('aria-label', 'Presets gallery');
    const head = document.createElement('div');
    head.className = 'gallery-head';
    const title = document.createElement('h2');
    title.textContent = 'Presets: loss landscapes that teach';
    const intro = document.createElement('p');
    intro.textContent =
      examples.length === 0
        ? 'Each card opens a small network, trains it and draws its loss surface, with a note on what to look at. Every preset is a link.'
        : 'Each card opens a small network, trains it and draws its loss surface, with a note on what to look at; the last opens a model trained in PyTorch and exported to ONNX. Every card is a link.';
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'gallery-close';
    close.textContent = 'Close ✕';
    close.addEventListener('click', () => this.hide());
    head.append(title, close, intro);
    this.grid = document.createElement('div');
    this.grid.className = 'gallery-grid';
    this.overlay.append(head, this.grid);
    this.overlay.addEventListener('click', (e) => {
      if (e.target === this.overlay) this.hide();
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !this.overlay.hidden) this.hide();
    });
    root.append(this.button, this.overlay);
  }

  get isOpen(): boolean {
    return !this.overlay.hidden;
  }

  /** A first-time visitor: nothing in the hash and the gallery never closed here before. */
  static firstVisit(hash: string): boolean {
    return hash.replace(/^#/, '') === '' && readStorage(SEEN_KEY) === null;
  }

  show(): void {
    this.grid.replaceChildren(...this.presets.map((p) => this.card(p)), ...this.examples.map((e) => this.exampleCard(e)));
    this.overlay.hidden = false;
    this.grid.querySelector<HTMLElement>('.gallery-card:not([disabled])')?.focus();
    this.callbacks.visibility?.(true);
  }

  hide(): void {
    const wasOpen = !this.overlay.hidden;
    this.overlay.hidden = true;
    writeStorage(SEEN_KEY, '1');
    if (wasOpen) this.callbacks.visibility?.(false);
  }

  /** Put a freshly cached thumbnail into its card (when the gallery shows it). */
  refreshCard(id: string): void {
    const old = this.grid.querySelector<HTMLElement>(`.gallery-card[data-preset="${CSS.escape(id)}"]`);
    const preset = this.presets.find((p) => p.id === id);
    if (old === null || preset === undefined) return;
    old.replaceWith(this.card(preset));
  }

  private card(preset: Preset): HTMLElement {
    const card = document.createElement('button');
    card.type = 'button';
    card.className = 'gallery-card';
    card.dataset.preset = preset.id;
    const thumb = loadThumbnail(preset.id, this.keyOf(preset));
    let picture: HTMLElement;
    if (thumb !== null) {
      const img = document.createElement('img');
      img.src = thumb;
      img.alt = `${preset.title}: the loss surface`;
      img.className = 'gallery-thumb';
      picture = img;
    } else {
      const canvas = placeholder(preset.view.colormap, preset.id);
      canvas.className = 'gallery-thumb placeholder';
      picture = document.createElement('div');
      picture.className = 'gallery-thumb-wrap';
      const note = document.createElement('span');
      note.className = 'gallery-thumb-note';
      const loading = this.callbacks.makesPreviews?.() === true;
      note.textContent = loading ? 'computing the preview…' : 'preview after first open';
      picture.dataset.state = loading ? 'loading' : 'none';
      picture.setAttribute('aria-busy', String(loading));
      picture.append(canvas, note);
    }
    const title = document.createElement('h3');
    title.textContent = preset.title;
    const line = document.createElement('p');
    line.textContent = preset.oneLine;
    card.append(picture, title, line);
    card.addEventListener('click', () => {
      this.hide();
      this.callbacks.open(preset);
    });
    return card;
  }

  /** An example model's card: a written preview (its surface is computed only when opened). */
  private exampleCard(example: OwnExample): HTMLElement {
    const card = document.createElement('button');
    card.type = 'button';
    card.className = 'gallery-card';
    card.dataset.own = example.id;
    const picture = document.createElement('div');
    picture.className = 'gallery-thumb-wrap gallery-thumb-text';
    picture.dataset.state = 'text';
    const text = document.createElement('span');
    text.textContent = 'ONNX · opens the model files and computes its surface when picked';
    picture.append(text);
    const title = document.createElement('h3');
    title.textContent = example.title;
    const line = document.createElement('p');
    line.textContent = example.oneLine;
    card.append(picture, title, line);
    card.addEventListener('click', () => {
      this.hide();
      this.callbacks.openOwn?.(example);
    });
    return card;
  }
}

/** The cached thumbnail (a data URL) of a preset, if it was made for exactly this state. */
export function loadThumbnail(id: string, stateKey: string): string | null {
  const raw = readStorage(THUMB_PREFIX + id);
  if (raw === null) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'key' in parsed &&
      'url' in parsed &&
      parsed.key === stateKey &&
      typeof parsed.url === 'string'
    ) {
      return parsed.url;
    }
  } catch {
    // A damaged entry is the same as none.
  }
  return null;
}

/** Stores an image (a data URL) as the thumbnail of a preset's state. */
export function saveThumbnailUrl(id: string, stateKey: string, url: string): void {
  writeStorage(THUMB_PREFIX + id, JSON.stringify({ key: stateKey, url }));
}

/** Copies `source` (the 3-D view's canvas), centre-cropped to the thumbnail's aspect, into the cache. */
export function saveThumbnail(id: string, stateKey: string, source: HTMLCanvasElement): void {
  const canvas = document.createElement('canvas');
  canvas.width = THUMB_WIDTH;
  canvas.height = THUMB_HEIGHT;
  const ctx = canvas.getContext('2d');
  if (ctx === null || source.width === 0 || source.height === 0) return;
  const aspect = THUMB_WIDTH / THUMB_HEIGHT;
  let sw = source.width;
  let sh = sw / aspect;
  if (sh > source.height) {
    sh = source.height;
    sw = sh * aspect;
  }
  ctx.drawImage(source, (source.width - sw) / 2, (source.height - sh) / 2, sw, sh, 0, 0, THUMB_WIDTH, THUMB_HEIGHT);
  saveThumbnailUrl(id, stateKey, canvas.toDataURL('image/jpeg', 0.85));
}

/** Contour rings of a bowl in the preset's colormap: honest about being a stand-in, still recognisable. */
function placeholder(name: ColormapName, id: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  const w = 160;
  const h = 100;
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return canvas;
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const cx = 0.35 + (hash % 30) / 100;
  const cy = 0.35 + ((hash >> 5) % 30) / 100;
  const image = ctx.createImageData(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = x / w - cx;
      const dy = y / h - cy;
      const r = Math.sqrt(dx * dx * 1.6 + dy * dy * 2.4);
      const t = Math.floor(Math.min(1, r * 1.6) * 8) / 8;
      const [red, green, blue] = colormap(name, t);
      const i = 4 * (y * w + x);
      image.data[i] = red * 255 * 0.55;
      image.data[i + 1] = green * 255 * 0.55;
      image.data[i + 2] = blue * 255 * 0.55;
      image.data[i + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  canvas.style.borderBottom = `3px solid ${rgbCss(colormap(name, 0.6))}`;
  return canvas;
}

function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeStorage(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage full or refused (private mode): the gallery works without the cache.
  }
}
