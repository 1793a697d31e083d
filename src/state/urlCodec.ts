/**
 * AppState ⇄ URL hash ("seed=1&data=spiral&m=256&…", no leading '#').
 *
 * Encoding writes every field, so a shared link keeps its meaning even if the defaults change later, and
 * decodeState(encodeState(s)).state equals s exactly for every valid s (numbers are written with
 * String(), the shortest text that reads back to the same double).
 *
 * Decoding and clampState never throw. Every problem is reported in `ignored`, one readable line each:
 * - unknown key, or a pair without '=' or with a broken %-escape → skipped;
 * - unparsable value (junk text, empty, NaN, ±Infinity, wrong type, unknown enum name) → the base value;
 * - a finite number outside LIMITS → clamped to the nearest bound;
 * - a non-integer where an integer is required → rounded (then clamped if needed);
 * - hidden: "" means no hidden layers; more than 6 layers → the first 6; widths rounded and clamped; one
 *   unparsable width → the whole list keeps the base value;
 * - a key given twice → the last value wins;
 * - regression data (sine, uvx) with a loss other than mse → loss becomes mse;
 * - digits with more samples than the file's 1,797 images → m becomes 1797.
 * −0 is stored as 0 without comment.
 */
import { ACTIVATIONS, LOSSES, MAX_HIDDEN_LAYERS } from '../model/spec';
import { COLORMAPS, CONNECTIVITIES, DATASETS, DIGITS_SAMPLES, LIMITS, PLANE_DIRECTIONS, cloneState, defaultState } from './appState';
import type { AppState, DatasetKind } from './appState';
import { formatCompare, parseCompare } from './compare';
import { formatFlow, parseFlow } from './flow';

export interface DecodeResult {
  state: AppState;
  /** Human-readable reasons, one per rejected, adjusted or unknown part of the input. */
  ignored: string[];
}

/**
 * Data sets whose targets are real numbers (only the mse loss applies). `state` may not import `data`,
 * so this mirrors REGRESSION_KINDS in src/data/generators.ts; a test keeps the two equal.
 */
export const REGRESSION_DATASETS: readonly DatasetKind[] = ['sine', 'uvx'];

/** One AppState field: its URL key, its path in the state, how to write it and how to accept a raw value. */
interface Field {
  readonly key: string;
  readonly group: keyof AppState | null;
  readonly name: string;
  encode(s: AppState): string;
  /** Validates `raw` (URL text or any JS value) and writes it into `s`; reports problems into `ignored`. */
  apply(s: AppState, raw: unknown, ignored: string[]): void;
}

const FIELDS: readonly Field[] = [
  intField(
    'seed',
    null,
    'seed',
    LIMITS.seed,
    (s) => s.seed,
    (s, v) => (s.seed = v),
  ),
  enumField(
    'data',
    'data',
    'kind',
    DATASETS,
    (s) => s.data.kind,
    (s, v) => (s.data.kind = v),
  ),
  intField(
    'm',
    'data',
    'samples',
    LIMITS.samples,
    (s) => s.data.samples,
    (s, v) => (s.data.samples = v),
  ),
  intField(
    'classes',
    'data',
    'classes',
    LIMITS.classes,
    (s) => s.data.classes,
    (s, v) => (s.data.classes = v),
  ),
  floatField(
    'noise',
    'data',
    'noise',
    LIMITS.noise,
    (s) => s.data.noise,
    (s, v) => (s.data.noise = v),
  ),
  hiddenField(),
  enumField(
    'act',
    'model',
    'activation',
    ACTIVATIONS,
    (s) => s.model.activation,
    (s, v) => (s.model.activation = v),
  ),
  enumField(
    'loss',
    'model',
    'loss',
    LOSSES,
    (s) => s.model.loss,
    (s, v) => (s.model.loss = v),
  ),
  boolField(
    'bias',
    'model',
    'bias',
    (s) => s.model.bias,
    (s, v) => (s.model.bias = v),
  ),
  boolField(
    'res',
    'model',
    'residual',
    (s) => s.model.residual,
    (s, v) => (s.model.residual = v),
  ),
  intField(
    'steps',
    'train',
    'steps',
    LIMITS.steps,
    (s) => s.train.steps,
    (s, v) => (s.train.steps = v),
  ),
  floatField(
    'lr',
    'train',
    'learningRate',
    LIMITS.learningRate,
    (s) => s.train.learningRate,
    (s, v) => (s.train.learningRate = v),
  ),
  intField(
    'grid',
    'plane',
    'gridSize',
    LIMITS.gridSize,
    (s) => s.plane.gridSize,
    (s, v) => (s.plane.gridSize = v),
  ),
  floatField(
    'span',
    'plane',
    'span',
    LIMITS.span,
    (s) => s.plane.span,
    (s, v) => (s.plane.span = v),
  ),
  floatField(
    'ca',
    'plane',
    'centerAlpha',
    LIMITS.center,
    (s) => s.plane.centerAlpha,
    (s, v) => (s.plane.centerAlpha = v),
  ),
  floatField(
    'cb',
    'plane',
    'centerBeta',
    LIMITS.center,
    (s) => s.plane.centerBeta,
    (s, v) => (s.plane.centerBeta = v),
  ),
  boolField(
    'fnorm',
    'plane',
    'filterNormalize',
    (s) => s.plane.filterNormalize,
    (s, v) => (s.plane.filterNormalize = v),
  ),
  boolField(
    'kbias',
    'plane',
    'keepBiasDirections',
    (s) => s.plane.keepBiasDirections,
    (s, v) => (s.plane.keepBiasDirections = v),
  ),
  enumField(
    'dirs',
    'plane',
    'directions',
    PLANE_DIRECTIONS,
    (s) => s.plane.directions,
    (s, v) => (s.plane.directions = v),
  ),
  boolField(
    'log',
    'view',
    'logScale',
    (s) => s.view.logScale,
    (s, v) => (s.view.logScale = v),
  ),
  boolField(
    'watch',
    'view',
    'watchTraining',
    (s) => s.view.watchTraining,
    (s, v) => (s.view.watchTraining = v),
  ),
  floatField(
    'zclip',
    'view',
    'zClip',
    LIMITS.zClip,
    (s) => s.view.zClip,
    (s, v) => (s.view.zClip = v),
  ),
  enumField(
    'cmap',
    'view',
    'colormap',
    COLORMAPS,
    (s) => s.view.colormap,
    (s, v) => (s.view.colormap = v),
  ),
  compareField(),
  floatField(
    'lvl',
    'sublevel',
    'level',
    LIMITS.level,
    (s) => s.sublevel.level,
    (s, v) => (s.sublevel.level = v),
  ),
  boolField(
    'lvlog',
    'sublevel',
    'logSlider',
    (s) => s.sublevel.logSlider,
    (s, v) => (s.sublevel.logSlider = v),
  ),
  boolField(
    'water',
    'sublevel',
    'water',
    (s) => s.sublevel.water,
    (s, v) => (s.sublevel.water = v),
  ),
  connectivityField(),
  boolField(
    'comps',
    'sublevel',
    'colourComponents',
    (s) => s.sublevel.colourComponents,
    (s, v) => (s.sublevel.colourComponents = v),
  ),
  intField(
    'iso',
    'sublevel',
    'contours',
    LIMITS.contours,
    (s) => s.sublevel.contours,
    (s, v) => (s.sublevel.contours = v),
  ),
  boolField(
    'map',
    'sublevel',
    'heatmap',
    (s) => s.sublevel.heatmap,
    (s, v) => (s.sublevel.heatmap = v),
  ),
  cameraField(),
  flowField(),
];

export function encodeState(s: AppState): string {
  return FIELDS.map((f) => `${f.key}=${f.encode(s)}`).join('&');
}

/** Reads a URL hash (a leading '#' is fine) over `base` (default: defaultState()). Never throws. */
export function decodeState(hash: string, base: AppState = defaultState()): DecodeResult {
  const state = cloneState(base);
  const ignored: string[] = [];
  const text = typeof hash === 'string' ? hash.replace(/^#/, '') : '';
  const values = new Map<Field, string>();
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq < 0) {
      ignored.push(`${quote(pair)} has no "=value"; ignored`);
      continue;
    }
    const key = percentDecode(pair.slice(0, eq));
    const value = percentDecode(pair.slice(eq + 1));
    if (key === null || value === null) {
      ignored.push(`${quote(pair)} has a broken %-escape; ignored`);
      continue;
    }
    const field = FIELDS.find((f) => f.key === key);
    if (field === undefined) {
      ignored.push(`unknown key ${quote(key)}`);
      continue;
    }
    if (values.has(field)) ignored.push(`key ${quote(key)} given more than once; the last value wins`);
    values.set(field, value);
  }
  for (const [field, value] of values) field.apply(state, value, ignored);
  enforceLossFitsData(state, ignored);
  enforceSamplesFitData(state, ignored);
  return { state, ignored };
}

/**
 * Validates an arbitrary JS value merged field-wise over `base` (the console API's `set(partial)`):
 * `{ seed: 3, data: { samples: 5 } }` changes two fields. Values may be JS values or URL-style text
 * ("32,32", "1e-3", "true"). Same rules and reports as decodeState. Never throws.
 */
export function clampState(input: unknown, base: AppState): DecodeResult {
  const state = cloneState(base);
  const ignored: string[] = [];
  if (!isPlainObject(input)) {
    ignored.push(`expected an object like { data: { samples: 64 } }, got ${describe(input)}`);
    return { state, ignored };
  }
  for (const [key, value] of Object.entries(input)) {
    const top = FIELDS.find((f) => f.group === null && f.name === key);
    if (top !== undefined) {
      top.apply(state, value, ignored);
      continue;
    }
    const groupFields = FIELDS.filter((f) => f.group === key);
    if (groupFields.length === 0) {
      ignored.push(`unknown key ${quote(key)}`);
      continue;
    }
    if (!isPlainObject(value)) {
      ignored.push(`${key} must be an object, got ${describe(value)}; kept`);
      continue;
    }
    for (const [inner, innerValue] of Object.entries(value)) {
      const field = groupFields.find((f) => f.name === inner);
      if (field === undefined) ignored.push(`unknown key ${quote(`${key}.${inner}`)}`);
      else field.apply(state, innerValue, ignored);
    }
  }
  enforceLossFitsData(state, ignored);
  enforceSamplesFitData(state, ignored);
  return { state, ignored };
}

/** The digits file has 1,797 images: m is clamped to that (the other data sets are generated, any m fits). */
function enforceSamplesFitData(s: AppState, ignored: string[]): void {
  if (s.data.kind === 'digits' && s.data.samples > DIGITS_SAMPLES) {
    ignored.push(`samples ${s.data.samples} clamped to ${DIGITS_SAMPLES}: the digits data has ${DIGITS_SAMPLES} images`);
    s.data.samples = DIGITS_SAMPLES;
  }
}

function enforceLossFitsData(s: AppState, ignored: string[]): void {
  if (REGRESSION_DATASETS.includes(s.data.kind) && s.model.loss !== 'mse') {
    ignored.push(`loss "${s.model.loss}" needs class labels, but "${s.data.kind}" is regression data; using mse`);
    s.model.loss = 'mse';
  }
}

// ---- field kinds -------------------------------------------------------------------------------

type Getter<T> = (s: AppState) => T;
type Setter<T> = (s: AppState, v: T) => void;

function numberField(
  integer: boolean,
  key: string,
  group: keyof AppState | null,
  name: string,
  limits: readonly [number, number],
  get: Getter<number>,
  set: Setter<number>,
): Field {
  return {
    key,
    group,
    name,
    encode: (s) => formatNumber(get(s)),
    apply(s, raw, ignored) {
      const checked = checkNumber(raw, integer, limits);
      if (checked.kind === 'bad') {
        ignored.push(`${name} ${formatRaw(raw)} ${checked.reason}; kept ${formatNumber(get(s))}`);
        return;
      }
      if (checked.notes.length > 0) ignored.push(`${name} ${formatRaw(raw)} ${checked.notes.join(', ')}`);
      set(s, checked.value);
    },
  };
}

function intField(
  key: string,
  group: keyof AppState | null,
  name: string,
  limits: readonly [number, number],
  get: Getter<number>,
  set: Setter<number>,
): Field {
  return numberField(true, key, group, name, limits, get, set);
}

function floatField(
  key: string,
  group: keyof AppState | null,
  name: string,
  limits: readonly [number, number],
  get: Getter<number>,
  set: Setter<number>,
): Field {
  return numberField(false, key, group, name, limits, get, set);
}

function boolField(key: string, group: keyof AppState, name: string, get: Getter<boolean>, set: Setter<boolean>): Field {
  return {
    key,
    group,
    name,
    encode: (s) => (get(s) ? '1' : '0'),
    apply(s, raw, ignored) {
      const value = parseBool(raw);
      if (value === null) ignored.push(`${name} ${formatRaw(raw)} is not a boolean (use 1/0 or true/false); kept ${get(s) ? '1' : '0'}`);
      else set(s, value);
    },
  };
}

function enumField<T extends string>(
  key: string,
  group: keyof AppState,
  name: string,
  options: readonly T[],
  get: Getter<T>,
  set: Setter<T>,
): Field {
  return {
    key,
    group,
    name,
    encode: get,
    apply(s, raw, ignored) {
      const value = options.find((o) => o === raw);
      if (value === undefined) {
        ignored.push(`${name} ${formatRaw(raw)} is not one of ${options.join(', ')}; kept "${get(s)}"`);
      } else {
        set(s, value);
      }
    },
  };
}

function hiddenField(): Field {
  const name = 'hidden';
  return {
    key: 'hidden',
    group: 'model',
    name,
    encode: (s) => s.model.hidden.map(formatNumber).join(','),
    apply(s, raw, ignored) {
      const kept = `kept "${s.model.hidden.join(',')}"`;
      let items: unknown[];
      if (typeof raw === 'string') items = raw.trim() === '' ? [] : raw.split(',');
      else if (Array.isArray(raw)) items = raw;
      else {
        ignored.push(`${name} ${formatRaw(raw)} is not a list of widths like "32,32"; ${kept}`);
        return;
      }
      const notes: string[] = [];
      const [, maxLayers] = LIMITS.hiddenLayers;
      const layerLimit = Math.min(maxLayers, MAX_HIDDEN_LAYERS);
      if (items.length > layerLimit) {
        notes.push(`has ${items.length} layers, kept the first ${layerLimit}`);
        items = items.slice(0, layerLimit);
      }
      const widths: number[] = [];
      for (const [i, item] of items.entries()) {
        const checked = checkNumber(typeof item === 'string' ? item.trim() : item, true, LIMITS.hiddenWidth);
        if (checked.kind === 'bad') {
          ignored.push(`${name} ${formatRaw(raw)}: width ${i + 1} ${formatRaw(item)} ${checked.reason}; ${kept}`);
          return;
        }
        if (checked.notes.length > 0) notes.push(`width ${i + 1} ${formatRaw(item)} ${checked.notes.join(', ')}`);
        widths.push(checked.value);
      }
      if (notes.length > 0) ignored.push(`${name} ${formatRaw(raw)}: ${notes.join('; ')}`);
      s.model.hidden = widths;
    },
  };
}

/** 4 or 8, as a number or as URL text; anything else keeps the base value. */
function connectivityField(): Field {
  const name = 'connectivity';
  return {
    key: 'conn',
    group: 'sublevel',
    name,
    encode: (s) => String(s.sublevel.connectivity),
    apply(s, raw, ignored) {
      const value = CONNECTIVITIES.find((c) => c === raw || String(c) === raw);
      if (value === undefined) ignored.push(`${name} ${formatRaw(raw)} is not 4 or 8; kept ${s.sublevel.connectivity}`);
      else s.sublevel.connectivity = value;
    },
  };
}

/** Compare mode, `cmp=off|dirs:<directions>|fnorm|dseed:<seed>|tseed:<seed>` (src/state/compare.ts); malformed keeps the base. */
function compareField(): Field {
  return {
    key: 'cmp',
    group: 'view',
    name: 'compare',
    encode: (s) => formatCompare(s.view.compare),
    apply(s, raw, ignored) {
      const parsed = parseCompare(raw);
      if (parsed.value === null) {
        ignored.push(`${parsed.error}; kept "${formatCompare(s.view.compare)}"`);
        return;
      }
      if (parsed.note !== null) ignored.push(parsed.note);
      s.view.compare = parsed.value;
    },
  };
}

const CAMERA_PARTS = [
  ['azimuth', LIMITS.azimuth],
  ['elevation', LIMITS.elevation],
  ['distance', LIMITS.distance],
] as const;

/** The path view to replay (src/state/flow.ts); a malformed flow keeps the base value. */
function flowField(): Field {
  return {
    key: 'flow',
    group: null,
    name: 'flow',
    encode: (s) => s.flow,
    apply(s, raw, ignored) {
      if (typeof raw !== 'string') {
        ignored.push(`flow ${formatRaw(raw)} is not text like "connect:kind=bezier,steps=300"; kept "${s.flow}"`);
        return;
      }
      const { flow, error } = parseFlow(raw.trim());
      if (error !== null) ignored.push(`${error}; kept "${s.flow}"`);
      else s.flow = formatFlow(flow);
    },
  };
}

/**
 * The camera as one key, `cam=azimuth,elevation,distance` (degrees, degrees, world units). The console
 * API may also pass `{ camera: { azimuth: 90 } }` (parts left out keep the base) or an array of three.
 * One unparsable part keeps the whole base camera; parts out of range are clamped.
 */
function cameraField(): Field {
  const name = 'camera';
  return {
    key: 'cam',
    group: null,
    name,
    encode: (s) => [s.camera.azimuth, s.camera.elevation, s.camera.distance].map(formatNumber).join(','),
    apply(s, raw, ignored) {
      const kept = `kept "${[s.camera.azimuth, s.camera.elevation, s.camera.distance].map(formatNumber).join(',')}"`;
      const given: unknown[] = [undefined, undefined, undefined];
      if (typeof raw === 'string' || Array.isArray(raw)) {
        const items: unknown[] = typeof raw === 'string' ? raw.split(',').map((t) => t.trim()) : raw;
        if (items.length !== 3) {
          ignored.push(`${name} ${formatRaw(raw)} is not "azimuth,elevation,distance"; ${kept}`);
          return;
        }
        items.forEach((v, i) => (given[i] = v));
      } else if (isPlainObject(raw)) {
        for (const [key, v] of Object.entries(raw)) {
          const i = CAMERA_PARTS.findIndex(([part]) => part === key);
          if (i < 0) ignored.push(`unknown key ${quote(`camera.${key}`)}`);
          else given[i] = v;
        }
      } else {
        ignored.push(`${name} ${formatRaw(raw)} is not "azimuth,elevation,distance"; ${kept}`);
        return;
      }
      const next = { ...s.camera };
      const notes: string[] = [];
      for (const [i, [part, limits]] of CAMERA_PARTS.entries()) {
        const v = given[i];
        if (v === undefined) continue;
        const checked = checkNumber(v, false, limits);
        if (checked.kind === 'bad') {
          ignored.push(`${name} ${formatRaw(raw)}: ${part} ${formatRaw(v)} ${checked.reason}; ${kept}`);
          return;
        }
        if (checked.notes.length > 0) notes.push(`${part} ${formatRaw(v)} ${checked.notes.join(', ')}`);
        next[part] = checked.value;
      }
      if (notes.length > 0) ignored.push(`${name} ${formatRaw(raw)}: ${notes.join('; ')}`);
      s.camera = next;
    },
  };
}

// ---- value checks ------------------------------------------------------------------------------

type NumberCheck = { kind: 'ok'; value: number; notes: string[] } | { kind: 'bad'; reason: string };

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function checkNumber(raw: unknown, integer: boolean, [lo, hi]: readonly [number, number]): NumberCheck {
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && DECIMAL.test(raw)) value = Number(raw);
  else return { kind: 'bad', reason: 'is not a number' };
  if (!Number.isFinite(value)) return { kind: 'bad', reason: 'is not a finite number' };
  const notes: string[] = [];
  if (integer && !Number.isInteger(value)) {
    value = Math.round(value);
    notes.push(`rounded to ${formatNumber(value)}`);
  }
  if (value < lo || value > hi) {
    value = value < lo ? lo : hi;
    notes.push(`clamped to ${formatNumber(value)}`);
  }
  return { kind: 'ok', value: value + 0, notes };
}

function parseBool(raw: unknown): boolean | null {
  if (typeof raw === 'boolean') return raw;
  if (raw === 1 || raw === '1' || raw === 'true') return true;
  if (raw === 0 || raw === '0' || raw === 'false') return false;
  return null;
}

// ---- small helpers -----------------------------------------------------------------------------

function percentDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** Shortest text that reads back to the same double; −0 is written as 0. */
function formatNumber(v: number): string {
  return String(v + 0);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `the string ${quote(v)}` : typeof v;
}

function formatRaw(raw: unknown): string {
  if (typeof raw === 'string') return quote(raw);
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (Array.isArray(raw)) return `[${raw.length} items]`;
  return raw === null ? 'null' : typeof raw;
}

/** Quotes user text for a message, shortened so junk cannot flood the screen. */
function quote(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 37)}…` : text;
  return JSON.stringify(short);
}
