/**
 * The question a long job asks in the view, beside the level badge: what it will cost on this device and
 * two answers. Keyboard: the first answer takes the focus, Tab moves between them, Enter or Space
 * answers, Escape answers the second (stop). Never a browser dialog: the page stays usable meanwhile.
 */
import { element } from './element';

export interface LongJobPrompt {
  /** The question, e.g. "The full 513² grid will take about 2 min more on this device (SwiftShader)." */
  readonly text: string;
  /** A line under it (what happens meanwhile), or ''. */
  readonly detail: string;
  readonly continueLabel: string;
  readonly stopLabel: string;
}

export class LongJobCard {
  private readonly root: HTMLElement;
  private readonly text: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly continueButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private answer: ((choice: 'continue' | 'stop') => void) | null = null;

  constructor(container: HTMLElement) {
    const doc = container.ownerDocument;
    this.root = element(doc, 'div', 'long-job');
    this.root.setAttribute('role', 'alertdialog');
    this.root.setAttribute('aria-modal', 'false');
    this.root.setAttribute('aria-labelledby', 'long-job-text');
    this.root.hidden = true;
    this.text = element(doc, 'p', 'long-job-text');
    this.text.id = 'long-job-text';
    this.detail = element(doc, 'p', 'long-job-detail');
    const buttons = element(doc, 'div', 'long-job-buttons');
    this.continueButton = element(doc, 'button', 'long-job-continue');
    this.stopButton = element(doc, 'button', 'long-job-stop');
    for (const b of [this.continueButton, this.stopButton]) b.type = 'button';
    this.continueButton.addEventListener('click', () => this.choose('continue'));
    this.stopButton.addEventListener('click', () => this.choose('stop'));
    this.root.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      this.choose('stop');
    });
    buttons.append(this.continueButton, this.stopButton);
    this.root.append(this.text, this.detail, buttons);
    container.append(this.root);
  }

  /** Show a question; `onAnswer` is called once, with the button pressed. */
  show(prompt: LongJobPrompt, onAnswer: (choice: 'continue' | 'stop') => void): void {
    this.text.textContent = prompt.text;
    this.detail.textContent = prompt.detail;
    this.detail.hidden = prompt.detail === '';
    this.continueButton.textContent = prompt.continueLabel;
    this.stopButton.textContent = prompt.stopLabel;
    this.answer = onAnswer;
    this.root.hidden = false;
    // Take the focus unless the user is typing in a field: the answer is one key away.
    const active = this.root.ownerDocument.activeElement;
    const typing = active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement || active instanceof HTMLSelectElement;
    if (!typing) this.continueButton.focus({ preventScroll: true });
  }

  hide(): void {
    this.answer = null;
    this.root.hidden = true;
  }

  get open(): boolean {
    return !this.root.hidden;
  }

  private choose(choice: 'continue' | 'stop'): void {
    const answer = this.answer;
    this.hide();
    answer?.(choice);
  }
}
