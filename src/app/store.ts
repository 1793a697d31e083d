/**
 * The one state store of the page: the only writer of the state, the URL hash and the notices. Every
 * change goes through validation (`clampState`): what is out of range or unknown is clamped or kept and
 * named in a notice, so the state on screen is always one a link can carry.
 */
import { cloneState, type AppState } from '../state/appState';
import { clampState, encodeState } from '../state/urlCodec';

export type NoticeKind = 'info' | 'error';

export interface StoreOutputs {
  /** Show notices (empty: hide them). */
  notices(lines: readonly string[], kind: NoticeKind): void;
  /** Write the URL hash (without '#'); the page calls history.replaceState. */
  hash(text: string): void;
}

/** What an update changed: the state before and after, and what validation refused. */
export interface StoreChange {
  readonly before: AppState;
  readonly state: AppState;
  readonly ignored: string[];
}

/** True when a and b ask the engine for the same surface (seed, data, model, training, plane). */
export function sameEngineInputs(a: AppState, b: AppState): boolean {
  const key = (s: AppState): string => JSON.stringify([s.seed, s.data, s.model, s.train, s.plane]);
  return key(a) === key(b);
}

/** True when a and b differ at most in their `sublevel` and `camera` groups (neither needs the engine). */
export function sameExceptSublevel(a: AppState, b: AppState): boolean {
  return JSON.stringify({ ...a, sublevel: null, camera: null }) === JSON.stringify({ ...b, sublevel: null, camera: null });
}

export class Store {
  private current: AppState;
  private lines: string[] = [];

  constructor(
    initial: AppState,
    private readonly out: StoreOutputs,
  ) {
    this.current = cloneState(initial);
  }

  /** A copy of the state (callers never hold the store's own object). */
  get state(): AppState {
    return cloneState(this.current);
  }

  /** The notices on screen now. */
  get notices(): string[] {
    return [...this.lines];
  }

  /**
   * Merge a partial state, validated. A flow belongs to the engine inputs it was made on: any other
   * data, model, training or plane clears it, unless the change brings its own (a link, a preset).
   * The hash is written unless `writeHash` is false (a job writes it when it starts).
   */
  update(partial: unknown, opts: { readonly writeHash?: boolean } = {}): StoreChange {
    const before = this.current;
    const { state, ignored } = clampState(partial, before);
    const namesFlow = typeof partial === 'object' && partial !== null && 'flow' in partial;
    if (!namesFlow && !sameEngineInputs(before, state)) state.flow = '';
    this.current = state;
    if (opts.writeHash !== false) this.writeHash();
    return { before: cloneState(before), state: cloneState(state), ignored };
  }

  /** Write the state to the URL hash. */
  writeHash(): void {
    this.out.hash(encodeState(this.current));
  }

  /** Replace the notices on screen. */
  notify(lines: readonly string[], kind: NoticeKind = 'info'): void {
    this.lines = [...lines];
    this.out.notices(this.lines, kind);
  }

  /** Add notices to those on screen (e.g. a job's warnings after the link's notes). */
  addNotices(lines: readonly string[], kind: NoticeKind = 'info'): void {
    if (lines.length === 0) return;
    this.notify([...this.lines, ...lines], kind);
  }
}
