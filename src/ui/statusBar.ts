/** The status line: adapter in use, progress of the running job, timings, and notices. */
export class StatusBar {
  private readonly root: HTMLElement;
  private readonly adapter: HTMLElement;
  private readonly job: HTMLElement;
  private readonly bar: HTMLElement;
  private readonly timings: HTMLElement;
  private readonly notice: HTMLElement;

  constructor(container: HTMLElement) {
    const doc = container.ownerDocument;
    this.root = doc.createElement('div');
    this.root.className = 'status';
    const make = (cls: string): HTMLElement => {
      const el = doc.createElement('span');
      el.className = cls;
      this.root.append(el);
      return el;
    };
    this.adapter = make('status-adapter');
    this.job = make('status-job');
    const track = make('status-track');
    this.bar = doc.createElement('span');
    this.bar.className = 'status-bar';
    track.append(this.bar);
    this.timings = make('status-timings');
    this.notice = doc.createElement('div');
    this.notice.className = 'notice';
    this.notice.hidden = true;
    container.append(this.root);
    // Notices go to the top of the right column (#notices in index.html) where the page has one: they never resize the view.
    (doc.getElementById('notices') ?? container).append(this.notice);
  }

  /** A Cancel button, shown while a job runs. */
  onCancel(handler: () => void): void {
    const button = this.root.ownerDocument.createElement('button');
    button.type = 'button';
    button.className = 'status-cancel';
    button.textContent = 'Cancel';
    button.title = 'Stop the running job; the view keeps what it shows';
    button.addEventListener('click', handler);
    this.root.insertBefore(button, this.timings);
  }

  setAdapter(text: string, warning: boolean): void {
    this.adapter.textContent = text;
    this.adapter.title = text;
    this.adapter.classList.toggle('warning', warning);
  }

  progress(label: string, fraction: number): void {
    this.job.textContent = label;
    this.bar.style.width = `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
    this.root.classList.add('busy');
  }

  done(label: string, timings: string): void {
    this.job.textContent = label;
    this.bar.style.width = '0%';
    this.timings.textContent = timings;
    this.timings.title = timings;
    this.root.classList.remove('busy');
  }

  /** A message the user should read (values that were clamped or ignored, errors). */
  showNotice(lines: readonly string[], kind: 'info' | 'error' = 'info'): void {
    if (lines.length === 0) {
      this.notice.hidden = true;
      return;
    }
    this.notice.hidden = false;
    this.notice.className = `notice ${kind}`;
    this.notice.textContent = lines.join(' · ');
  }
}
