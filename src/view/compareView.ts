/**
 * Compare mode's picture: a second 3-D view beside the first (below it on narrow windows), a title over
 * each, and the two cameras linked, so orbiting, zooming or panning either moves both the same way. The
 * second view has no colour bar of its own: the first view's bar is the scale of both (the app passes
 * both views the same `scaleRange`).
 */
import type { Surface } from '../landscape/surface';
import type { CameraPose } from './camera';
import { SurfaceView, type SurfacePick, type SurfaceViewOptions } from './surfaceView';

/** The page's class while two views are shown (src/app/style.css lays the grid out for it). */
export const COMPARING_CLASS = 'comparing';

export class CompareView {
  /** The second view (made on the first `show(true)`, so a page that never compares has one WebGL context). */
  private second: SurfaceView | null = null;
  private readonly pane: HTMLElement;
  private readonly leftTitle: HTMLElement;
  private readonly rightTitle: HTMLElement;
  private readonly message: HTMLElement;
  private unlink: (() => void) | null = null;
  private hoverListener: ((pick: SurfacePick | null, clientX: number, clientY: number) => void) | null = null;
  private settledListener: ((pose: CameraPose) => void) | null = null;

  constructor(
    private readonly first: SurfaceView,
    private readonly firstEl: HTMLElement,
    private readonly preserveDrawingBuffer: boolean,
  ) {
    const doc = firstEl.ownerDocument;
    this.pane = doc.createElement('div');
    this.pane.id = 'view-compare';
    this.pane.hidden = true;
    this.leftTitle = title(doc, 'compare-title compare-title-left');
    this.rightTitle = title(doc, 'compare-title compare-title-right');
    this.message = doc.createElement('div');
    this.message.className = 'compare-message';
    this.message.hidden = true;
    this.pane.append(this.rightTitle, this.message);
    firstEl.prepend(this.leftTitle);
    firstEl.after(this.pane);
  }

  /** The second view, or null before compare mode was first turned on. */
  get view(): SurfaceView | null {
    return this.second;
  }

  get shown(): boolean {
    return !this.pane.hidden;
  }

  /** Show or hide the second view (and the titles); the first view's canvas resizes with the grid. */
  show(on: boolean): void {
    const doc = this.firstEl.ownerDocument;
    doc.body.classList.toggle(COMPARING_CLASS, on);
    this.pane.hidden = !on;
    this.leftTitle.hidden = !on;
    this.rightTitle.hidden = !on;
    if (on && this.second === null) {
      const second = new SurfaceView(this.pane, { preserveDrawingBuffer: this.preserveDrawingBuffer, colorBar: false });
      second.canvas.classList.add('compare-canvas');
      this.second = second;
      this.pane.addEventListener('pointermove', (e) => {
        if (e.target !== second.canvas) return;
        this.hoverListener?.(second.pickAt(e.clientX, e.clientY), e.clientX, e.clientY);
      });
      this.pane.addEventListener('pointerleave', (e) => this.hoverListener?.(null, e.clientX, e.clientY));
      second.onCameraSettled((pose) => this.settledListener?.(pose));
    }
    if (on) this.link();
    else {
      this.unlink?.();
      this.unlink = null;
    }
    this.first.setColorBarNote(on ? 'one scale for both views: colours and heights' : null);
  }

  /** The titles over the two views (what each plane is). */
  setTitles(left: string, right: string): void {
    setText(this.leftTitle, left);
    setText(this.rightTitle, right);
  }

  /**
   * Draw `surface` in the second view with the first view's options and scale; null shows `message`
   * (e.g. "computing …") in its place.
   */
  setSurface(surface: Surface | null, options: SurfaceViewOptions, message: string | null, minimum: number | null): void {
    const second = this.second;
    this.message.hidden = message === null;
    this.message.textContent = message ?? '';
    if (second === null) return;
    second.canvas.style.visibility = surface === null ? 'hidden' : 'visible';
    if (surface === null) return;
    second.setSurface(surface, options);
    second.setPoints({ minimum, highlight: null, hover: null });
    second.render();
  }

  /** Mark a grid point of the second view (the hovered one; null: none). */
  setHover(cell: number | null, minimum: number | null): void {
    this.second?.setPoints({ minimum, highlight: null, hover: cell });
  }

  /** Called with the grid point under the pointer in the second view (null when it leaves the surface). */
  onHover(listener: (pick: SurfacePick | null, clientX: number, clientY: number) => void): void {
    this.hoverListener = listener;
  }

  /** Called with the pose when the user stops moving the second view's camera (the first follows it). */
  onCameraSettled(listener: (pose: CameraPose) => void): void {
    this.settledListener = listener;
  }

  render(): void {
    this.second?.render();
  }

  /** Each camera follows the other; a placement made while following is not passed back. */
  private link(): void {
    const second = this.second;
    if (second === null || this.unlink !== null) return;
    let following = false;
    const follow = (from: SurfaceView, to: SurfaceView) => (): void => {
      if (following) return;
      following = true;
      try {
        to.setCamera(from.getCamera(), from.getPan());
      } finally {
        following = false;
      }
    };
    const stops = [this.first.onCameraChange(follow(this.first, second)), second.onCameraChange(follow(second, this.first))];
    this.unlink = () => stops.forEach((stop) => stop());
    follow(this.first, second)();
  }
}

function title(doc: Document, className: string): HTMLElement {
  const el = doc.createElement('div');
  el.className = className;
  el.hidden = true;
  return el;
}

function setText(el: HTMLElement, text: string): void {
  el.textContent = text;
  el.title = text;
}
