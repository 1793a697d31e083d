/** Path evaluations as CSV and JSON: one row per point, barrier and endpoints kept, NaN as null. */
import { describe, expect, it } from 'vitest';
import { summarizePath } from '../../src/landscape/pathEval';
import { PATHS_FORMAT, pathEvaluationsToCsv, pathEvaluationsToJson } from '../../src/io/pathEvaluations';

describe('path evaluations', () => {
  const t = Float64Array.from({ length: 5 }, (_, i) => i / 4);
  const line = summarizePath(t, Float32Array.from([0.1, 0.5, 1.2, 0.4, 0.2]), Float32Array.from([1, 0.9, 0.5, 0.8, 1]));
  const curve = summarizePath(t, Float32Array.from([0.1, 0.15, Number.NaN, 0.18, 0.2]));

  it('CSV: a header and one row per point and path, names quoted when needed', () => {
    const text = pathEvaluationsToCsv([
      { name: 'line', evaluation: line },
      { name: 'bezier, trained', evaluation: curve },
    ]);
    const rows = text.trim().split('\n');
    expect(rows[0]).toBe('path,index,t,loss,accuracy');
    expect(rows).toHaveLength(11);
    expect(rows[3]).toBe(`line,2,0.5,${Math.fround(1.2)},0.5`);
    expect(rows[8]).toBe('"bezier, trained",2,0.5,NaN,');
  });

  it('JSON: t, loss, accuracy and the barrier per path', () => {
    const parsed = JSON.parse(
      pathEvaluationsToJson([
        { name: 'line', evaluation: line },
        { name: 'curve', evaluation: curve },
      ]),
    ) as {
      format: string;
      paths: { name: string; t: number[]; loss: (number | null)[]; accuracy?: number[]; barrier: number | null }[];
    };
    expect(parsed.format).toBe(PATHS_FORMAT);
    expect(parsed.paths[0]?.barrier).toBeCloseTo(1.2 - 0.2, 6);
    expect(parsed.paths[0]?.accuracy).toHaveLength(5);
    expect(parsed.paths[1]?.loss[2]).toBeNull();
    expect(parsed.paths[1]?.accuracy).toBeUndefined();
    expect(parsed.paths[1]?.barrier).toBeNull();
  });
});
