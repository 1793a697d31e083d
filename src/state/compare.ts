/**
 * Compare mode (`view.compare`, link key `cmp`): what the second view changes, as link text and back,
 * and what each of the two views shows, in words.
 *
 * Link text: `off`, `dirs:random` | `dirs:hessian` | `dirs:hessian-top`, `fnorm`, `dseed:<seed>`,
 * `tseed:<seed>`. The console API may pass that text or an object such as
 * `{ kind: 'directions', directions: 'hessian' }` or `{ kind: 'trainSeed', seed: 2 }`.
 */
import {
  COMPARE_KINDS,
  LIMITS,
  PLANE_DIRECTIONS,
  type AppState,
  type CompareKind,
  type CompareState,
  type PlaneDirections,
} from './appState';

/** The link tag of each kind. */
const TAGS: Readonly<Record<CompareKind, string>> = {
  off: 'off',
  directions: 'dirs',
  filterNormalize: 'fnorm',
  directionSeed: 'dseed',
  trainSeed: 'tseed',
};

export function formatCompare(c: CompareState): string {
  switch (c.kind) {
    case 'off':
    case 'filterNormalize':
      return TAGS[c.kind];
    case 'directions':
      return `${TAGS.directions}:${c.directions}`;
    case 'directionSeed':
    case 'trainSeed':
      return `${TAGS[c.kind]}:${String(c.seed + 0)}`;
  }
}

export type CompareParse =
  { readonly value: CompareState; readonly note: string | null } | { readonly value: null; readonly error: string };

const EXAMPLE = '"off", "dirs:hessian", "fnorm", "dseed:2" or "tseed:2"';

/**
 * Reads link text or a console value. A seed out of range is clamped (with a note), a fractional one
 * rounded; anything else malformed is an error (the caller keeps the base value). Never throws.
 */
export function parseCompare(raw: unknown): CompareParse {
  if (raw === false || raw === 0 || raw === '0' || raw === 'false') return { value: { kind: 'off' }, note: null };
  let kind: CompareKind | undefined;
  let arg: unknown;
  if (typeof raw === 'string') {
    const colon = raw.indexOf(':');
    const tag = (colon < 0 ? raw : raw.slice(0, colon)).trim();
    kind = kindOf(tag);
    arg = colon < 0 ? undefined : raw.slice(colon + 1).trim();
  } else if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const o = raw as Record<string, unknown>;
    const unknownKeys = Object.keys(o).filter((k) => k !== 'kind' && k !== 'directions' && k !== 'seed');
    if (unknownKeys.length > 0) return { value: null, error: `compare: unknown key ${JSON.stringify(unknownKeys[0]?.slice(0, 20))}` };
    kind = typeof o.kind === 'string' ? kindOf(o.kind) : undefined;
    arg = kind === 'directions' ? o.directions : o.seed;
  } else {
    return { value: null, error: `compare ${describeRaw(raw)} is not one of ${EXAMPLE}` };
  }
  if (kind === undefined) return { value: null, error: `compare ${describeRaw(raw)} is not one of ${EXAMPLE}` };
  switch (kind) {
    case 'off':
    case 'filterNormalize':
      if (arg !== undefined && arg !== '') return { value: null, error: `compare ${describeRaw(raw)}: "${TAGS[kind]}" takes no value` };
      return { value: { kind }, note: null };
    case 'directions': {
      const directions = PLANE_DIRECTIONS.find((d) => d === arg);
      if (directions === undefined) {
        return { value: null, error: `compare ${describeRaw(raw)}: directions must be one of ${PLANE_DIRECTIONS.join(', ')}` };
      }
      return { value: { kind, directions }, note: null };
    }
    case 'directionSeed':
    case 'trainSeed': {
      const seed = typeof arg === 'number' ? arg : typeof arg === 'string' && /^[+-]?\d+(\.\d+)?$/.test(arg) ? Number(arg) : NaN;
      if (!Number.isFinite(seed)) return { value: null, error: `compare ${describeRaw(raw)}: the seed must be a number` };
      const [lo, hi] = LIMITS.seed;
      const clamped = Math.min(hi, Math.max(lo, Math.round(seed))) + 0;
      const note =
        clamped === seed ? null : `compare ${describeRaw(raw)}: seed ${clamped === Math.round(seed) ? 'rounded' : 'clamped'} to ${clamped}`;
      return { value: { kind, seed: clamped }, note };
    }
  }
}

function kindOf(tag: string): CompareKind | undefined {
  return COMPARE_KINDS.find((k) => k === tag || TAGS[k] === tag);
}

function describeRaw(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 37)}…` : raw);
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (Array.isArray(raw)) return 'an array';
  return raw === null ? 'null' : typeof raw;
}

/** What one of the two views is: its plane's directions, filter normalisation and the two seeds. */
export interface PlaneRecipe {
  readonly directions: PlaneDirections;
  readonly filterNormalize: boolean;
  /** Seed of the random directions (and of the Lanczos start vector of a Hessian plane). */
  readonly directionSeed: number;
  /** Seed of θ₀'s initialisation (the data keep the state's seed). */
  readonly trainSeed: number;
}

/** The first view: the state's own plane. */
export function leftRecipe(state: AppState): PlaneRecipe {
  return {
    directions: state.plane.directions,
    filterNormalize: state.plane.filterNormalize,
    directionSeed: state.seed,
    trainSeed: state.seed,
  };
}

/** The second view: the state's plane with the one change compare mode asks for (null when it is off). */
export function rightRecipe(state: AppState): PlaneRecipe | null {
  const left = leftRecipe(state);
  const c = state.view.compare;
  switch (c.kind) {
    case 'off':
      return null;
    case 'directions':
      return { ...left, directions: c.directions };
    case 'filterNormalize':
      return { ...left, filterNormalize: !left.filterNormalize };
    case 'directionSeed':
      return { ...left, directionSeed: c.seed };
    case 'trainSeed':
      return { ...left, trainSeed: c.seed };
  }
}

/**
 * A view's title: the plane ("random plane, filter-normalised", "Hessian plane: v_max, v_min") and, when
 * compare mode changes a seed, that seed. `axes` names a Hessian plane's eigenpairs once known.
 */
export function recipeLabel(r: PlaneRecipe, kind: CompareKind, axes?: string): string {
  const plane =
    r.directions === 'random'
      ? `random plane, ${r.filterNormalize ? 'filter-normalised' : 'not filter-normalised'}`
      : `Hessian plane: ${axes ?? (r.directions === 'hessian' ? 'v_max, v_min' : 'v₁, v₂')}`;
  if (kind === 'directionSeed') return `${plane} · direction seed ${r.directionSeed}`;
  if (kind === 'trainSeed') return `${plane} · θ₀ trained from seed ${r.trainSeed}`;
  return plane;
}

/** Why the two views may show the same surface for this state (null when they differ). */
export function compareCaveat(state: AppState): string | null {
  const c = state.view.compare;
  const right = rightRecipe(state);
  if (right === null) return null;
  const wholeSpace = state.data.kind === 'uvx';
  if (c.kind === 'directions' && c.directions === state.plane.directions) return 'both views use the same directions: the same plane';
  if (c.kind === 'filterNormalize' && state.plane.directions !== 'random') {
    return 'filter normalisation does not apply to Hessian planes: both views show the same plane';
  }
  if (c.kind === 'directionSeed' && c.seed === state.seed) return 'the same direction seed: the same plane';
  if (c.kind === 'trainSeed' && c.seed === state.seed) return 'the same training seed: the same θ₀';
  if (wholeSpace && c.kind !== 'directions') return 'u·v·x: the plane is the whole weight space and θ₀ is the saddle, so both views agree';
  return null;
}
