/** The grid as CSV: one row per point, `ix,iy,alpha,beta,loss,accuracy`, in grid index order. */
import type { Surface } from '../landscape/surface';
import type { GridData } from './gridData';
import { MAX_GRID_CELLS, MAX_GRID_SIDE, checkFileSize, checkGridShape, fail, ok, type ParseResult } from './result';

export const CSV_HEADER = 'ix,iy,alpha,beta,loss,accuracy';

export function surfaceToCsv(surface: Surface): string {
  const nx = surface.alphas.length;
  const ny = surface.betas.length;
  const lines = [CSV_HEADER];
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) {
      const i = iy * nx + ix;
      const acc = surface.accuracy?.[i];
      lines.push(
        `${ix},${iy},${surface.alphas[ix] ?? NaN},${surface.betas[iy] ?? NaN},${surface.loss[i] ?? NaN},${acc === undefined ? '' : acc}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Read a CSV written by {@link surfaceToCsv} (any row order; accuracy optional); never throws. */
export function parseCsvSurface(bytes: Uint8Array): ParseResult<GridData> {
  const sizeError = checkFileSize(bytes, 'csv');
  if (sizeError !== null) return fail(sizeError);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('csv: the file is not UTF-8 text');
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const head = lines[0];
  if (head === undefined) return fail('csv: no header line');
  const columns = head.split(',').map((c) => c.trim().toLowerCase());
  const col = (name: string): number => columns.indexOf(name);
  const [cix, ciy, ca, cb, cl, cacc] = ['ix', 'iy', 'alpha', 'beta', 'loss', 'accuracy'].map(col) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (cix < 0 || ciy < 0 || ca < 0 || cb < 0 || cl < 0)
    return fail(`csv: the header should name ix, iy, alpha, beta and loss (${CSV_HEADER}); it is "${head.slice(0, 80)}"`);
  const rows = lines.length - 1;
  if (rows > MAX_GRID_CELLS) return fail(`csv: ${rows} rows, more than the limit of ${MAX_GRID_CELLS} (4096²)`);
  const parsed: { ix: number; iy: number; a: number; b: number; loss: number; acc: number }[] = [];
  let nx = 0;
  let ny = 0;
  for (let r = 1; r < lines.length; r++) {
    const cells = (lines[r] ?? '').split(',');
    if (cells.length < columns.length) return fail(`csv: line ${r + 1} has ${cells.length} fields, the header has ${columns.length}`);
    const num = (c: number): number => {
      const t = (cells[c] ?? '').trim();
      return t === ''
        ? NaN
        : /^[+-]?(nan|inf|infinity)$/i.test(t)
          ? t.toLowerCase().includes('nan')
            ? NaN
            : t.startsWith('-')
              ? -Infinity
              : Infinity
          : Number(t);
    };
    const ix = num(cix);
    const iy = num(ciy);
    if (!Number.isInteger(ix) || !Number.isInteger(iy) || ix < 0 || iy < 0 || ix >= MAX_GRID_SIDE || iy >= MAX_GRID_SIDE) {
      return fail(
        `csv: line ${r + 1}: ix and iy should be integers in 0..${MAX_GRID_SIDE - 1}, got "${cells[cix] ?? ''}", "${cells[ciy] ?? ''}"`,
      );
    }
    const a = num(ca);
    const b = num(cb);
    if (!Number.isFinite(a) || !Number.isFinite(b)) return fail(`csv: line ${r + 1}: alpha and beta should be finite numbers`);
    const loss = num(cl);
    if (Number.isNaN(loss) && (cells[cl] ?? '').trim() !== '' && !/nan/i.test(cells[cl] ?? ''))
      return fail(`csv: line ${r + 1}: loss "${(cells[cl] ?? '').slice(0, 20)}" is not a number`);
    parsed.push({ ix, iy, a, b, loss, acc: cacc >= 0 ? num(cacc) : NaN });
    nx = Math.max(nx, ix + 1);
    ny = Math.max(ny, iy + 1);
  }
  const shapeError = checkGridShape(nx, ny, 'csv');
  if (shapeError !== null) return fail(shapeError);
  if (parsed.length !== nx * ny) return fail(`csv: ${parsed.length} rows, but ix and iy span ${nx} × ${ny} = ${nx * ny} points`);
  const alphas = new Float64Array(nx).fill(NaN);
  const betas = new Float64Array(ny).fill(NaN);
  const loss = new Float32Array(nx * ny);
  const accuracy = new Float32Array(nx * ny).fill(NaN);
  const seen = new Uint8Array(nx * ny);
  let hasAcc = false;
  let unfilled = 0;
  for (const p of parsed) {
    const i = p.iy * nx + p.ix;
    if (seen[i] === 1) return fail(`csv: the point ix=${p.ix}, iy=${p.iy} appears twice`);
    seen[i] = 1;
    for (const [coords, k, v, name] of [
      [alphas, p.ix, p.a, 'alpha'],
      [betas, p.iy, p.b, 'beta'],
    ] as const) {
      const known = coords[k] ?? NaN;
      if (Number.isNaN(known)) coords[k] = v;
      else if (Math.abs(known - v) > 1e-6 * Math.max(1, Math.abs(v)))
        return fail(`csv: ${name} differs between rows of the same ${name === 'alpha' ? 'ix' : 'iy'} = ${k}`);
    }
    const unset = Number.isNaN(p.loss) || p.loss === -1;
    if (unset) unfilled++;
    loss[i] = unset ? NaN : p.loss;
    if (Number.isFinite(p.acc)) {
      hasAcc = true;
      accuracy[i] = p.acc;
    }
  }
  for (const [name, coords] of [
    ['alpha', alphas],
    ['beta', betas],
  ] as const) {
    for (let i = 1; i < coords.length; i++) {
      if (!((coords[i] ?? 0) > (coords[i - 1] ?? 0))) return fail(`csv: ${name} should increase with its index`);
    }
  }
  if (unfilled === loss.length) return fail('csv: every loss value is empty or NaN');
  return ok({ nx, ny, alphas, betas, loss, ...(hasAcc ? { accuracy } : {}), extras: {}, unfilled });
}
