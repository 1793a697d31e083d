/** The network spec as JSON (the app's MlpSpec fields), checked field by field. */
import { ACTIVATIONS, LOSSES, MAX_HIDDEN_LAYERS, type Activation, type LossKind, type MlpSpec } from '../model/spec';
import { fail, jsonText, ok, type ParseResult } from './result';

const MAX_WIDTH = 4096;

export function parseSpec(raw: unknown, where = 'spec'): ParseResult<MlpSpec> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(`${where} should be an object`);
  const r = raw as Record<string, unknown>;
  const width = (v: unknown, name: string): string | null =>
    typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_WIDTH
      ? null
      : `${where}.${name} should be an integer in 1..${MAX_WIDTH}, got ${jsonText(v) ?? String(v)}`;
  const e = width(r['inputs'], 'inputs') ?? width(r['outputs'], 'outputs');
  if (e !== null) return fail(e);
  const hidden = r['hidden'];
  if (!Array.isArray(hidden) || hidden.length > MAX_HIDDEN_LAYERS)
    return fail(`${where}.hidden should be a list of at most ${MAX_HIDDEN_LAYERS} widths`);
  for (let i = 0; i < hidden.length; i++) {
    const he = width(hidden[i], `hidden[${i}]`);
    if (he !== null) return fail(he);
  }
  const activation = r['activation'];
  if (typeof activation !== 'string' || !(ACTIVATIONS as readonly string[]).includes(activation)) {
    return fail(`${where}.activation should be one of ${ACTIVATIONS.join(', ')}, got ${jsonText(activation) ?? 'nothing'}`);
  }
  const loss = r['loss'];
  if (typeof loss !== 'string' || !(LOSSES as readonly string[]).includes(loss)) {
    return fail(`${where}.loss should be one of ${LOSSES.join(', ')}, got ${jsonText(loss) ?? 'nothing'}`);
  }
  const bias = r['bias'] ?? true;
  if (typeof bias !== 'boolean') return fail(`${where}.bias should be true or false`);
  // Skip connections (MlpSpec.residual); files written before it existed have none.
  const residual: unknown = r['residual'] ?? false;
  if (typeof residual !== 'boolean')
    return fail(`${where}.residual should be true or false, got ${jsonText(residual) ?? String(residual)}`);
  const spec: MlpSpec = {
    inputs: r['inputs'] as number,
    hidden: (hidden as number[]).slice(),
    outputs: r['outputs'] as number,
    activation: activation as Activation,
    loss: loss as LossKind,
    bias,
    // Absent means false (MlpSpec.residual), so a plain network reads back as it was written.
    ...(residual ? { residual: true } : {}),
  };
  if (spec.loss === 'bce' && spec.outputs !== 1) return fail(`${where}: bce needs exactly one output (one logit), got ${spec.outputs}`);
  if (spec.loss === 'cross_entropy' && spec.outputs < 2) return fail(`${where}: cross_entropy needs at least two outputs`);
  return ok(spec);
}

/** Parameter count of a spec in the app's layout (per layer W[out][in] then b[out]). */
export function parameterShapes(spec: MlpSpec): number[][] {
  const widths = [spec.inputs, ...spec.hidden, spec.outputs];
  const shapes: number[][] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const inputs = widths[l] ?? 0;
    const outputs = widths[l + 1] ?? 0;
    shapes.push([outputs, inputs]);
    if (spec.bias) shapes.push([outputs]);
  }
  return shapes;
}
