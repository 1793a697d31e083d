/**
 * Presenting: one button (and the key P) that gives the whole window to the 3-D view and the preset's
 * note, for a projector or a screen recording. The side columns and the settings panel are hidden,
 * not destroyed, so leaving presenting mode restores the page exactly as it was; the view follows
 * through its resize observer.
 */
export class PresentMode {
  readonly button: HTMLButtonElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly onChange: (presenting: boolean) => void = () => undefined,
  ) {
    this.button = document.createElement('button');
    this.button.id = 'present-button';
    this.button.type = 'button';
    this.button.addEventListener('click', () => this.toggle());
    this.sync();
    root.appendChild(this.button);
    window.addEventListener('keydown', (event) => {
      if (event.key !== 'p' && event.key !== 'P') return;
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      this.toggle();
    });
  }

  get presenting(): boolean {
    return document.body.classList.contains('presenting');
  }

  set(presenting: boolean): void {
    if (presenting === this.presenting) return;
    document.body.classList.toggle('presenting', presenting);
    this.sync();
    this.onChange(presenting);
  }

  toggle(): void {
    this.set(!this.presenting);
  }

  private sync(): void {
    const on = this.presenting;
    this.button.textContent = on ? 'Exit presenting' : 'Present';
    this.button.title = on ? 'Show the panels again (P)' : 'Only the view and the note, for a projector (P)';
    this.button.setAttribute('aria-pressed', String(on));
    this.root.dataset.presenting = String(on);
  }
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
