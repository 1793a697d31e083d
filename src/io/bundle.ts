/**
 * The model bundle: one JSON file with a network, its weights and its data (and optionally the
 * two plane directions), written by this app and by a few lines of PyTorch (see README,
 * "File formats"). Layout:
 *
 *   { "format": "loss-landscape-explorer/model-bundle", "version": 1,
 *     "spec": { "inputs", "hidden": [..], "outputs", "activation", "loss", "bias", "residual" },
 *     "parameters": [ { "name", "shape": [out, in] | [out], "data": [..] }, … ]   // or "theta": [..]
 *     "data": { "x": m × inputs (nested or flat), "y": targets },
 *     "directions": { "x": [..], "y": [..] } }                                 // optional
 *
 * Parameters come layer by layer, weight W[out][in] (row-major, PyTorch's nn.Linear layout) then
 * bias, i.e. `net.named_parameters()` order of an nn.Sequential of Linear layers. `y` is
 * m × outputs for mse, the class index per sample for cross_entropy, 0/1 for bce. "residual"
 * (skip connections around equal-width hidden layers, see MlpSpec) may be missing: false.
 */
import { errorMessage } from '../model/errors';
import type { MlpSpec } from '../model/spec';
import { parameterShapes, parseSpec } from './specJson';
import { checkFileSize, fail, jsonText, ok, type ParseResult } from './result';

export const BUNDLE_FORMAT = 'loss-landscape-explorer/model-bundle';
/** Most samples and parameters a bundle may carry. */
export const MAX_BUNDLE_SAMPLES = 100_000;
export const MAX_BUNDLE_PARAMETERS = 16_000_000;

export interface ModelBundle {
  readonly spec: MlpSpec;
  readonly theta: Float32Array;
  readonly m: number;
  /** Row-major m × inputs. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly directionX?: Float32Array;
  readonly directionY?: Float32Array;
}

export function bundleToJson(bundle: ModelBundle): string {
  const shapes = parameterShapes(bundle.spec);
  const names = parameterNames(bundle.spec);
  let offset = 0;
  const parameters = shapes.map((shape, i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = Array.from(bundle.theta.subarray(offset, offset + size));
    offset += size;
    return { name: names[i] ?? `p${i}`, shape, data };
  });
  const inputs = bundle.spec.inputs;
  const x: number[][] = [];
  for (let s = 0; s < bundle.m; s++) x.push(Array.from(bundle.x.subarray(s * inputs, (s + 1) * inputs)));
  const directions =
    bundle.directionX !== undefined && bundle.directionY !== undefined
      ? { directions: { x: Array.from(bundle.directionX), y: Array.from(bundle.directionY) } }
      : {};
  return JSON.stringify({
    format: BUNDLE_FORMAT,
    version: 1,
    spec: { ...bundle.spec, hidden: [...bundle.spec.hidden], residual: bundle.spec.residual === true },
    parameters,
    data: { x, y: Array.from(bundle.y) },
    ...directions,
  });
}

function parameterNames(spec: MlpSpec): string[] {
  const names: string[] = [];
  for (let l = 0; l <= spec.hidden.length; l++) {
    names.push(`layers.${l}.weight`);
    if (spec.bias) names.push(`layers.${l}.bias`);
  }
  return names;
}

/** Read a bundle; never throws. */
export function parseBundle(bytes: Uint8Array): ParseResult<ModelBundle> {
  const sizeError = checkFileSize(bytes, 'bundle');
  if (sizeError !== null) return fail(sizeError);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch (err) {
    return fail(`bundle: not valid JSON (${errorMessage(err).slice(0, 120)}); a truncated file fails here too`);
  }
  try {
    return readBundle(raw);
  } catch (err) {
    return fail(`bundle: could not be read (${errorMessage(err).slice(0, 120)})`);
  }
}

function readBundle(raw: unknown): ParseResult<ModelBundle> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('bundle: the file should hold one JSON object');
  const r = raw as Record<string, unknown>;
  if (r['format'] !== BUNDLE_FORMAT) return fail(`bundle: "format" should be "${BUNDLE_FORMAT}", got ${short(r['format'])}`);
  if (r['version'] !== 1) return fail(`bundle: version ${short(r['version'])} is not known (1 is)`);
  const spec = parseSpec(r['spec'], 'bundle: spec');
  if (!spec.ok) return spec;
  const shapes = parameterShapes(spec.value);
  const size = shapes.reduce((sum, s) => sum + s.reduce((a, b) => a * b, 1), 0);
  if (size > MAX_BUNDLE_PARAMETERS)
    return fail(`bundle: the network has ${size} parameters, more than the limit of ${MAX_BUNDLE_PARAMETERS}`);

  let theta: Float32Array;
  if (r['theta'] !== undefined) {
    const t = numbers(r['theta'], 'theta', MAX_BUNDLE_PARAMETERS);
    if (!t.ok) return t;
    if (t.value.length !== size) return fail(`bundle: theta has ${t.value.length} values, the spec needs ${size}`);
    theta = t.value;
  } else {
    const params = r['parameters'];
    if (!Array.isArray(params)) return fail('bundle: needs "parameters" (a list of {name, shape, data}) or "theta" (a flat list)');
    if (params.length !== shapes.length)
      return fail(
        `bundle: ${params.length} parameter tensors, the spec has ${shapes.length} (weight${spec.value.bias ? ' and bias' : ''} per layer)`,
      );
    theta = new Float32Array(size);
    let offset = 0;
    for (let i = 0; i < shapes.length; i++) {
      const want = shapes[i] ?? [];
      const p = params[i] as unknown;
      if (typeof p !== 'object' || p === null) return fail(`bundle: parameters[${i}] should be an object {name, shape, data}`);
      const pr = p as Record<string, unknown>;
      const shape = pr['shape'];
      if (!Array.isArray(shape) || shape.length !== want.length || shape.some((d, k) => d !== want[k])) {
        return fail(`bundle: parameters[${i}] (${short(pr['name'])}) has shape ${short(shape)}, the spec needs [${want.join(', ')}]`);
      }
      const count = want.reduce((a, b) => a * b, 1);
      const d = numbers(pr['data'], `parameters[${i}].data`, MAX_BUNDLE_PARAMETERS);
      if (!d.ok) return d;
      if (d.value.length !== count)
        return fail(`bundle: parameters[${i}].data has ${d.value.length} values, shape [${want.join(', ')}] needs ${count}`);
      theta.set(d.value, offset);
      offset += count;
    }
  }

  const data = r['data'];
  if (typeof data !== 'object' || data === null) return fail('bundle: needs "data": {x, y}');
  const dr = data as Record<string, unknown>;
  const inputs = spec.value.inputs;
  const x = numbers(dr['x'], 'data.x', MAX_BUNDLE_SAMPLES * inputs);
  if (!x.ok) return x;
  if (x.value.length === 0 || x.value.length % inputs !== 0)
    return fail(`bundle: data.x has ${x.value.length} values, not a positive multiple of inputs = ${inputs}`);
  const m = x.value.length / inputs;
  if (m > MAX_BUNDLE_SAMPLES) return fail(`bundle: ${m} samples, more than the limit of ${MAX_BUNDLE_SAMPLES}`);
  const targetWidth = spec.value.loss === 'mse' ? spec.value.outputs : 1;
  const y = numbers(dr['y'], 'data.y', MAX_BUNDLE_SAMPLES * targetWidth);
  if (!y.ok) return y;
  if (y.value.length !== m * targetWidth)
    return fail(
      `bundle: data.y has ${y.value.length} values, ${m} samples × ${targetWidth} target${targetWidth > 1 ? 's' : ''} needs ${m * targetWidth}`,
    );
  if (spec.value.loss === 'cross_entropy' && y.value.some((c) => !Number.isInteger(c) || c < 0 || c >= spec.value.outputs)) {
    return fail(`bundle: data.y should hold class indices 0..${spec.value.outputs - 1} for cross_entropy`);
  }
  if (spec.value.loss === 'bce' && y.value.some((c) => c !== 0 && c !== 1)) return fail('bundle: data.y should hold 0 or 1 for bce');

  let directions: { directionX: Float32Array; directionY: Float32Array } | null = null;
  if (r['directions'] !== undefined) {
    const dir = r['directions'];
    if (typeof dir !== 'object' || dir === null) return fail('bundle: "directions" should be {x, y}');
    const dx = numbers((dir as Record<string, unknown>)['x'], 'directions.x', MAX_BUNDLE_PARAMETERS);
    if (!dx.ok) return dx;
    const dy = numbers((dir as Record<string, unknown>)['y'], 'directions.y', MAX_BUNDLE_PARAMETERS);
    if (!dy.ok) return dy;
    if (dx.value.length !== size || dy.value.length !== size)
      return fail(`bundle: directions.x and .y should have ${size} values each (one per parameter)`);
    directions = { directionX: dx.value, directionY: dy.value };
  }
  return ok({ spec: spec.value, theta, m, x: x.value, y: y.value, ...(directions ?? {}) });
}

/** A list of finite numbers, nested lists flattened in row-major order; at most `limit` values. */
function numbers(value: unknown, name: string, limit: number): ParseResult<Float32Array> {
  if (!Array.isArray(value)) return fail(`bundle: ${name} should be a list of numbers, got ${short(value)}`);
  const out: number[] = [];
  const stack: unknown[][] = [value];
  const index: number[] = [0];
  let depth = 0;
  while (depth >= 0) {
    const list = stack[depth];
    const i = index[depth] ?? 0;
    if (list === undefined || i >= list.length) {
      depth--;
      continue;
    }
    index[depth] = i + 1;
    const v = list[i];
    if (Array.isArray(v)) {
      if (depth >= 8) return fail(`bundle: ${name} is nested more than 8 deep`);
      depth++;
      stack[depth] = v;
      index[depth] = 0;
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) return fail(`bundle: ${name} holds ${short(v)}, not a finite number`);
    if (out.length >= limit) return fail(`bundle: ${name} has more than ${limit} values, the limit`);
    out.push(v);
  }
  return ok(Float32Array.from(out));
}

function short(v: unknown): string {
  let text: string;
  try {
    text = jsonText(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
