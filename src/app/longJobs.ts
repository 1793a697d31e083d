/**
 * Long jobs never start without warning. A grid whose remaining levels would take longer than the
 * threshold (LONG_JOB_S, from the rate this device measured on the levels and jobs already run) pauses
 * after its first picture and asks in the view: continue, or stop at a level that fits the threshold
 * (what is drawn stays; the same surface asked for again resumes there). A training (θ₀, many seeds, a
 * width sweep) measures its own first steps and, when the rest would take longer, asks while it goes on:
 * a run cannot be paused inside a worker, and continuing must not lose the steps done.
 *
 * `?ask=never` in the page's URL (or `landscape.longJobs({ ask: false })`) never asks (screenshots,
 * scripts, tests); `?ask=30` sets the threshold to 30 s. The command line never asks.
 */
import type { GridPlanRequest } from '../engine/pipeline';
import { formatDuration, ProgressClock } from '../engine/jobRate';
import { LongJobCard, type LongJobPrompt } from '../ui/longJobCard';

/** Jobs expected to take longer than this many seconds ask first (the default; `?ask=` and the console change it). */
export const LONG_JOB_S = 10;

/** A training asks once it has run this long (its rate is then its own, not its start-up's). */
const MEASURE_S = 1;

/** Time left is shown on the status line when at least this many seconds are left. */
const SHOW_LEFT_S = 5;

export interface LongJobSettings {
  /** Ask before long jobs go on (false: never ask). */
  readonly ask: boolean;
  /** Seconds above which a job asks. */
  readonly thresholdS: number;
}

/** The question open now, as the console API reports it. */
export interface LongJobQuestion {
  readonly job: 'grid' | 'training';
  readonly text: string;
  /** Seconds the rest of the job should take at the measured rate. */
  readonly estimateS: number;
  readonly continueLabel: string;
  readonly stopLabel: string;
}

/** The settings a page URL's query asks for: `ask=never|0|off|no` never asks, `ask=<seconds>` sets the threshold. */
export function askFromSearch(search: string): LongJobSettings {
  const value = new URLSearchParams(search).get('ask');
  if (value === null) return { ask: true, thresholdS: LONG_JOB_S };
  if (['never', '0', 'off', 'no', 'false'].includes(value.toLowerCase())) return { ask: false, thresholdS: LONG_JOB_S };
  const seconds = Number(value);
  return { ask: true, thresholdS: Number.isFinite(seconds) && seconds > 0 ? seconds : LONG_JOB_S };
}

interface Pending {
  readonly question: LongJobQuestion;
  readonly prompt: LongJobPrompt;
  readonly answer: (choice: 'continue' | 'stop') => void;
}

/** A training's watch: feed it the fraction done; it asks once when the rest is long, and says the time left. */
export interface RunWatch {
  /** The fraction done so far (0..1); returns the status line's suffix (" · about 2 min left" or ''). */
  progress(fraction: number): string;
  /** The run ended: a question still open about it goes away. */
  finish(): void;
}

export class LongJobs {
  private settingsNow: LongJobSettings;
  private readonly card: LongJobCard;
  /** Questions waiting for an answer, the one on screen first. */
  private readonly queue: Pending[] = [];

  constructor(container: HTMLElement, settings: LongJobSettings) {
    this.card = new LongJobCard(container);
    this.settingsNow = settings;
  }

  get settings(): LongJobSettings {
    return this.settingsNow;
  }

  /** Change the settings (console API); turning asking off answers any open question "continue". */
  configure(raw: unknown): LongJobSettings {
    const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const ask = typeof o.ask === 'boolean' ? o.ask : this.settingsNow.ask;
    const t = o.thresholdS;
    const thresholdS = typeof t === 'number' && Number.isFinite(t) && t > 0 ? t : this.settingsNow.thresholdS;
    this.settingsNow = { ask, thresholdS };
    if (!ask) while (this.queue.length > 0) this.answer('continue');
    return this.settingsNow;
  }

  /** The question on screen, or null. */
  question(): LongJobQuestion | null {
    return this.queue[0]?.question ?? null;
  }

  /** Answer the question on screen as its buttons do; false when none is open. */
  answer(choice: 'continue' | 'stop'): boolean {
    const first = this.queue.shift();
    if (first === undefined) return false;
    this.card.hide();
    first.answer(choice);
    this.showNext();
    return true;
  }

  /**
   * A grid's plan (ComputeOptions.plan): all levels when the rest fits the threshold (or asking is off, or
   * `confirmed`); else the question, and the levels the answer allows. `waiting` is called while it waits.
   */
  planGrid(request: GridPlanRequest, signal: AbortSignal, waiting: (estimateS: number) => void): Promise<number> {
    const all = request.ahead.length;
    const seconds = request.ahead.map((l) => l.seconds);
    if (!this.settingsNow.ask || seconds.some((s) => s === null)) return Promise.resolve(all);
    const total = sum(seconds);
    const limit = this.settingsNow.thresholdS;
    if (total <= limit) return Promise.resolve(all);
    // The finest level ahead that still fits the threshold (none: stop at the level on screen).
    let fits = 0;
    let fitsS = 0;
    while (fits < all - 1 && fitsS + (seconds[fits] ?? Infinity) <= limit) fitsS += seconds[fits++] ?? 0;
    const stopSize = fits === 0 ? request.shownSize : (request.ahead[fits - 1]?.size ?? request.shownSize);
    const device = deviceName(request.device);
    const prompt: LongJobPrompt = {
      text: `The full ${request.finalSize}² grid will take ${formatDuration(total)} more on this device (${device}).`,
      detail:
        fits === 0
          ? `The ${request.shownSize}² level is drawn; stopping keeps it.`
          : `The ${request.shownSize}² level is drawn; ${stopSize}² takes ${formatDuration(fitsS)} more.`,
      continueLabel: `Continue to ${request.finalSize}²`,
      stopLabel: `Stop at ${stopSize}²`,
    };
    waiting(total);
    return this.ask({ job: 'grid', text: `${prompt.text} ${prompt.detail}`, estimateS: total, ...labels(prompt) }, prompt, signal).then(
      (choice) => (choice === 'continue' ? all : fits),
    );
  }

  /**
   * Watch a training from its first steps: once it has run MEASURE_S and the rest would take longer than
   * the threshold, ask (it goes on meanwhile); "stop" calls `stop`.
   */
  watchRun(what: string, device: string, signal: AbortSignal, stop: () => void): RunWatch {
    const clock = new ProgressClock();
    let asked = false;
    // Withdrawn when the run ends or is cancelled, whichever comes first.
    const run = new AbortController();
    signal.addEventListener('abort', () => run.abort(), { once: true });
    return {
      finish: () => run.abort(),
      progress: (fraction) => {
        clock.sample(fraction);
        const left = clock.secondsLeft();
        if (left === null) return '';
        if (!asked && this.settingsNow.ask && clock.measuredS >= MEASURE_S && left > this.settingsNow.thresholdS && !run.signal.aborted) {
          asked = true;
          const prompt: LongJobPrompt = {
            text: `${what} will take ${formatDuration(left)} more on this device (${deviceName(device)}).`,
            detail: 'It goes on while you choose; stopping ends it and keeps what is on screen.',
            continueLabel: 'Continue',
            stopLabel: 'Stop',
          };
          void this.ask(
            { job: 'training', text: `${prompt.text} ${prompt.detail}`, estimateS: left, ...labels(prompt) },
            prompt,
            signal,
          ).then((choice) => {
            if (choice === 'stop' && !signal.aborted) stop();
          });
        }
        return timeLeft(left);
      },
    };
  }

  /** A status line suffix for a job's progress (grids): " · about 2 min left", or ''. */
  clock(): Omit<RunWatch, 'finish'> & { restart(): void } {
    const clock = new ProgressClock();
    return {
      progress: (fraction) => {
        clock.sample(fraction);
        return timeLeft(clock.secondsLeft());
      },
      restart: () => clock.restart(),
    };
  }

  /** Queue a question; resolves with the answer ("continue" when the job is cancelled meanwhile: it is gone anyway). */
  private ask(question: LongJobQuestion, prompt: LongJobPrompt, signal: AbortSignal): Promise<'continue' | 'stop'> {
    return new Promise((resolve) => {
      let settled = false;
      const pending: Pending = {
        question,
        prompt,
        answer: (choice) => {
          if (settled) return;
          settled = true;
          resolve(choice);
        },
      };
      signal.addEventListener(
        'abort',
        () => {
          const i = this.queue.indexOf(pending);
          if (i < 0) return;
          this.queue.splice(i, 1);
          if (i === 0) {
            this.card.hide();
            this.showNext();
          }
          pending.answer('continue');
        },
        { once: true },
      );
      this.queue.push(pending);
      if (this.queue.length === 1) this.showNext();
    });
  }

  private showNext(): void {
    const next = this.queue[0];
    if (next === undefined) return;
    this.card.show(next.prompt, (choice) => {
      if (this.queue[0] === next) this.answer(choice);
    });
  }
}

function sum(values: readonly (number | null)[]): number {
  return values.reduce<number>((a, b) => a + (b ?? 0), 0);
}

function labels(p: LongJobPrompt): { continueLabel: string; stopLabel: string } {
  return { continueLabel: p.continueLabel, stopLabel: p.stopLabel };
}

function timeLeft(seconds: number | null): string {
  return seconds === null || seconds < SHOW_LEFT_S ? '' : ` · ${formatDuration(seconds)} left`;
}

/** The device as people know it: SwiftShader for the software adapter, the CPU for the worker. */
function deviceName(label: string): string {
  if (/swiftshader/i.test(label)) return 'SwiftShader, a software GPU';
  if (/cpu/i.test(label)) return 'the CPU';
  return label;
}
