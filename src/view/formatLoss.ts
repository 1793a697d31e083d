/** A loss for read-outs: five significant digits, exponent form for very small or large values. */
export function formatLoss(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  const text = magnitude < 1e-3 || magnitude >= 1e5 ? value.toExponential(3) : value.toPrecision(5);
  return text.replace(/^-/, '\u2212');
}
