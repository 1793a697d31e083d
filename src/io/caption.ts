/**
 * Caption and file name of an export, from the state and the network description:
 * "2-32-32-1 tanh, mse · spiral m=256 · filter-normalised random plane, span 1".
 */
import type { AppState } from '../state/appState';

/** `specText` is describeSpec(spec) of the network on screen ("2-32-32-1 tanh, mse"). */
export function exportCaption(state: AppState, specText: string): string {
  const d = state.data;
  const withClasses = (d.kind === 'spiral' || d.kind === 'blobs') && d.classes !== 2 ? ` ×${d.classes}` : '';
  const data = `${d.kind}${withClasses} m=${d.samples}`;
  const p = state.plane;
  const plane =
    d.kind === 'uvx'
      ? `the (u, v) plane, span ${p.span}`
      : `${p.filterNormalize ? 'filter-normalised' : 'Gaussian'} random plane${p.keepBiasDirections ? ' with bias directions' : ''}, span ${p.span}`;
  return `${specText} · ${data} · ${plane}`;
}

/** A file name stem that says what is in the file: "landscape-spiral-2-32-32-1-tanh-seed1". */
export function exportFileStem(state: AppState, specText: string): string {
  const widths = specText.split(' ')[0] ?? '';
  return safeStem(['landscape', state.data.kind, widths, state.model.activation, `seed${state.seed}`]);
}

/** Caption and stem for a surface read from a file ("imported run1.h5 (h5) · 2-32-1 tanh, mse"). */
export function importedSubject(name: string, format: string, specText: string | null): { caption: string; fileStem: string } {
  return {
    caption: `imported ${name} (${format})${specText === null ? '' : ` · ${specText}`}`,
    fileStem: safeStem(['landscape', name.replace(/\.[^.]*$/, '')]),
  };
}

function safeStem(parts: readonly string[]): string {
  return parts
    .filter((s) => s !== '')
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '_');
}
