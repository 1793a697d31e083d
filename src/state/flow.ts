/**
 * A flow in the link: the path view a page replays after drawing its surface, so a link to the plane
 * through two minima (or to a training trajectory) reproduces it. Text form, safe in a URL hash:
 * `connect:kind=bezier,steps=300,lr=0.05` or `trajectory:seed=1,steps=200,snapshots=40`. Values are
 * numbers or short words; what they mean (and their limits) is checked by the flow itself when it runs.
 */

export const FLOW_RUNS = ['connect', 'trajectory'] as const;
export type FlowRun = (typeof FLOW_RUNS)[number];

export interface Flow {
  readonly run: FlowRun;
  readonly options: Readonly<Record<string, number | string>>;
}

const MAX_FLOW_LENGTH = 400;
const KEY = /^[A-Za-z][A-Za-z0-9]{0,23}$/;
const WORD = /^[A-Za-z][A-Za-z0-9_-]{0,23}$/;

/** The link text of a flow ('' for none). Options are written in a fixed (sorted) order. */
export function formatFlow(flow: Flow | null): string {
  if (flow === null) return '';
  const parts = Object.keys(flow.options)
    .sort()
    .map((key) => {
      const value = flow.options[key];
      return `${key}=${typeof value === 'number' ? String(value) : value}`;
    });
  return `${flow.run}:${parts.join(',')}`;
}

/** Reads the link text of a flow: '' is none; anything malformed is an error with a readable message. */
export function parseFlow(text: string): { flow: Flow | null; error: string | null } {
  if (text === '') return { flow: null, error: null };
  if (text.length > MAX_FLOW_LENGTH) return { flow: null, error: `flow is longer than ${MAX_FLOW_LENGTH} characters` };
  const colon = text.indexOf(':');
  const run = colon < 0 ? text : text.slice(0, colon);
  if (!(FLOW_RUNS as readonly string[]).includes(run))
    return { flow: null, error: `flow "${run.slice(0, 24)}" is not one of ${FLOW_RUNS.join(', ')}` };
  const options: Record<string, number | string> = {};
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  for (const part of rest === '' ? [] : rest.split(',')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const raw = eq < 0 ? '' : part.slice(eq + 1);
    if (!KEY.test(key)) return { flow: null, error: `flow option "${key.slice(0, 24)}" is not a name` };
    if (Object.hasOwn(options, key)) return { flow: null, error: `flow option "${key}" is given twice` };
    const number = raw.trim() === '' ? Number.NaN : Number(raw);
    if (Number.isFinite(number)) options[key] = number;
    else if (WORD.test(raw)) options[key] = raw;
    else return { flow: null, error: `flow option ${key}=${raw.slice(0, 24)} is neither a finite number nor a word` };
  }
  return { flow: { run: run as FlowRun, options }, error: null };
}
