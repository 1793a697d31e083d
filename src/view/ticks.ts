/** Axis and colour-bar ticks: round numbers a reader can use. */

/** The tick step for about `count` intervals over `range`: 1, 2, 2.5 or 5 times a power of ten. */
export function niceStep(range: number, count: number): number {
  if (!(range > 0) || !Number.isFinite(range)) return 0;
  const raw = range / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * Round values in [lo, hi], about `count` of them (at least 2 where the range allows), in
 * increasing order. A zero-width range gives that one value.
 */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  const a = Math.min(lo, hi);
  const b = Math.max(lo, hi);
  if (a === b) return [a];
  let step = niceStep(b - a, count);
  let ticks = stepTicks(a, b, step);
  // A coarse step can leave a single tick inside a short range; halve it once.
  if (ticks.length < 2) {
    step = niceStep(b - a, count * 2);
    ticks = stepTicks(a, b, step);
  }
  return ticks;
}

function stepTicks(a: number, b: number, step: number): number[] {
  if (!(step > 0)) return [];
  const first = Math.ceil(a / step - 1e-9);
  const last = Math.floor(b / step + 1e-9);
  const out: number[] = [];
  for (let k = first; k <= last; k++) {
    // Multiply, never accumulate: 0.1 + 0.2 drift would show in labels.
    const value = k * step;
    out.push(Math.abs(value) < step * 1e-9 ? 0 : Number(value.toPrecision(12)));
  }
  return out;
}

/**
 * Ticks for a log axis over [lo, hi] (lo > 0): powers of ten, thinned to about `count`, or
 * 1-2-5 multiples where the range spans less than about two decades; falls back to linear ticks
 * where even those are too few.
 */
export function logTicks(lo: number, hi: number, count: number): number[] {
  if (!(lo > 0) || !(hi > lo) || !Number.isFinite(hi)) return niceTicks(Math.max(lo, 0), hi, count);
  const lowDecade = Math.floor(Math.log10(lo));
  const highDecade = Math.ceil(Math.log10(hi));
  const inRange = (v: number): boolean => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const decades: number[] = [];
  for (let d = lowDecade; d <= highDecade; d++) {
    const v = Number((10 ** d).toPrecision(12));
    if (inRange(v)) decades.push(v);
  }
  if (decades.length > count) {
    const stride = Math.ceil(decades.length / count);
    // Keep the decades whose exponent is a multiple of the stride, so 1e-6, 1e-3, 1 not 1e-5, 1e-2.
    return decades.filter((v) => Math.round(Math.log10(v)) % stride === 0);
  }
  if (decades.length >= Math.min(3, count)) return decades;
  const candidates: number[] = [];
  for (let d = lowDecade; d <= highDecade; d++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** d).toPrecision(12));
      if (inRange(v)) candidates.push(v);
    }
  }
  if (candidates.length >= 2 && candidates.length <= count + 1) return candidates;
  return niceTicks(lo, hi, count);
}

/**
 * Short label for a tick value. With `step` (the spacing of linear ticks) every label gets the
 * decimals the step needs, so 0.25-spaced ticks read 0.25, 0.5, 0.75 with no rounding; without it
 * (log ticks) three significant digits. Very large or small magnitudes use 1e-4 notation.
 */
export function formatTick(value: number, step = 0): string {
  // U+2212, the typographic minus: a hyphen looks cramped next to digits.
  return plainTick(value, step).replace(/^-/, '\u2212');
}

function plainTick(value: number, step: number): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) {
    const [mantissa = '', exponent = ''] = value.toExponential(2).split('e');
    return `${trimZeros(mantissa)}e${exponent.replace('+', '')}`;
  }
  if (step > 0) return trimZeros(value.toFixed(decimalsOf(step)));
  return trimZeros(Number(value.toPrecision(3)).toFixed(6));
}

function decimalsOf(step: number): number {
  for (let d = 0; d < 8; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return d;
  }
  return 8;
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A tick of a loss axis or colour bar: its loss value, its position 0..1 on the axis, its label. */
export interface LossTick {
  readonly value: number;
  readonly unit: number;
  readonly label: string;
}

/** What `lossTicks` needs of a loss scale (see `lossScale` in heights.ts). */
export interface LossAxis {
  readonly logScale: boolean;
  readonly bottom: number;
  readonly top: number;
  readonly epsilon: number;
  toUnit(loss: number): number;
}

/** About `count` ticks in loss units over the axis, log-spaced on a log axis. */
export function lossTicks(axis: LossAxis, count: number): LossTick[] {
  if (!(axis.top > axis.bottom)) return [{ value: axis.bottom, unit: 0.5, label: formatTick(axis.bottom) }];
  let values: number[];
  let step = 0;
  if (axis.logScale) {
    values = logTicks(Math.max(axis.bottom, axis.epsilon), axis.top, count);
    // Where logTicks fell back to linear spacing, label like a linear axis.
    if (!isLogSpaced(values)) step = (values[1] ?? 0) - (values[0] ?? 0);
  } else {
    values = niceTicks(axis.bottom, axis.top, count);
    step = (values[1] ?? 0) - (values[0] ?? 0);
  }
  return values
    .map((value) => ({ value, unit: axis.toUnit(value), label: formatTick(value, step) }))
    .filter((tick) => tick.unit >= -1e-6 && tick.unit <= 1 + 1e-6);
}

function isLogSpaced(values: readonly number[]): boolean {
  return values.every((v) => {
    const mantissa = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
    return [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6);
  });
}
