/**
 * Path evaluations (loss along a straight line or a trained curve between two minima) as CSV and
 * JSON. CSV: `path,index,t,loss,accuracy`, one row per point. JSON: `{ format, version, paths: [
 * { name, t, loss, accuracy?, maxLoss, endpointMax, barrier } ] }`, non-finite numbers as null.
 */
import type { PathEvaluation } from '../landscape/pathEval';

export const PATHS_FORMAT = 'loss-landscape-explorer/path-evaluations';

export interface NamedPathEvaluation {
  readonly name: string;
  readonly evaluation: PathEvaluation;
}

export function pathEvaluationsToCsv(paths: readonly NamedPathEvaluation[]): string {
  const lines = ['path,index,t,loss,accuracy'];
  for (const { name, evaluation } of paths) {
    const quoted = /[",\n]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
    for (let i = 0; i < evaluation.t.length; i++) {
      const acc = evaluation.accuracy?.[i];
      lines.push(`${quoted},${i},${evaluation.t[i] ?? NaN},${evaluation.loss[i] ?? NaN},${acc === undefined ? '' : acc}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function pathEvaluationsToJson(paths: readonly NamedPathEvaluation[]): string {
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return JSON.stringify({
    format: PATHS_FORMAT,
    version: 1,
    paths: paths.map(({ name, evaluation: e }) => ({
      name,
      t: Array.from(e.t, finite),
      loss: Array.from(e.loss, finite),
      ...(e.accuracy !== undefined ? { accuracy: Array.from(e.accuracy, finite) } : {}),
      maxLoss: finite(e.maxLoss),
      endpointMax: finite(e.endpointMax),
      barrier: finite(e.barrier),
    })),
  });
}
