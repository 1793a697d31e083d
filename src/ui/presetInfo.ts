/**
 * The panel beside the view for the preset on screen: its title, 2–4 sentences on what to look at,
 * the one thing to try, and its link. Large type and high contrast, so it reads on a projector.
 */
import type { Preset } from '../state/presets';
import { presetHash } from '../state/presets';

export class PresetInfo {
  private readonly el: HTMLElement;
  private readonly title: HTMLElement;
  private readonly explanation: HTMLElement;
  private readonly tryThis: HTMLElement;
  private readonly link: HTMLAnchorElement;
  private readonly note: HTMLElement;
  private current: Preset | null = null;
  private readonly foldButton: HTMLButtonElement;

  constructor(root: HTMLElement) {
    this.el = document.createElement('aside');
    this.el.id = 'preset-info';
    this.el.hidden = true;
    this.el.setAttribute('aria-live', 'polite');
    const head = document.createElement('div');
    head.className = 'preset-info-head';
    this.title = document.createElement('h2');
    // Folding keeps the title on screen (a click unfolds it) so the note never hides the surface for long.
    const fold = document.createElement('button');
    fold.type = 'button';
    fold.className = 'preset-info-fold';
    fold.textContent = '–';
    fold.title = 'Fold this note (click again to unfold)';
    fold.addEventListener('click', () => this.fold(!this.el.classList.contains('folded')));
    this.foldButton = fold;
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'preset-info-close';
    close.textContent = '✕';
    close.title = 'Hide this note';
    close.addEventListener('click', () => this.hide());
    head.append(this.title, fold, close);
    this.explanation = document.createElement('p');
    this.explanation.className = 'preset-info-text';
    const tryBox = document.createElement('p');
    tryBox.className = 'preset-info-try';
    const tryLabel = document.createElement('strong');
    tryLabel.textContent = 'Try this: ';
    this.tryThis = document.createElement('span');
    tryBox.append(tryLabel, this.tryThis);
    this.note = document.createElement('p');
    this.note.className = 'preset-info-note';
    this.link = document.createElement('a');
    this.link.className = 'preset-info-link';
    this.el.append(head, this.explanation, tryBox, this.note, this.link);
    // Its place is the top of the right column, above the panel (index.html); a page without one gets it at the end.
    const column = root.querySelector('#right-column');
    if (column !== null) column.prepend(this.el);
    else root.append(this.el);
  }

  get preset(): Preset | null {
    return this.current;
  }

  show(preset: Preset, note = ''): void {
    this.current = preset;
    delete this.el.dataset.flow;
    this.fold(false);
    this.title.textContent = preset.title;
    this.explanation.textContent = preset.explanation;
    this.tryThis.textContent = preset.tryThis;
    this.note.textContent = note;
    this.note.hidden = note === '';
    this.link.href = presetHash(preset);
    this.link.textContent = `link: ${presetHash(preset)}`;
    this.el.hidden = false;
  }

  /** A note that is not a preset's (an example model): its own title, text and link. */
  showNote(note: { title: string; explanation: string; tryThis: string }, link: string): void {
    this.current = null;
    delete this.el.dataset.flow;
    this.fold(false);
    this.title.textContent = note.title;
    this.explanation.textContent = note.explanation;
    this.tryThis.textContent = note.tryThis;
    this.note.textContent = '';
    this.note.hidden = true;
    this.link.href = link;
    this.link.textContent = `link: ${link}`;
    this.el.hidden = false;
  }

  /** The state of the preset's flow (e.g. mode connectivity) as a line under the text and `data-flow` / data-* values. */
  setFlow(stage: 'running' | 'done' | 'failed', text: string, values: Record<string, string> = {}): void {
    this.el.dataset.flow = stage;
    for (const [key, value] of Object.entries(values)) this.el.dataset[key] = value;
    this.note.textContent = text;
    this.note.hidden = false;
  }

  /** Fold to the title bar (or unfold); the app folds it when someone starts to orbit the view. */
  fold(folded: boolean): void {
    this.el.classList.toggle('folded', folded);
    this.foldButton.textContent = folded ? '+' : '–';
  }

  hide(): void {
    this.current = null;
    this.el.hidden = true;
  }
}
