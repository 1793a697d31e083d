import { describe, expect, it } from 'vitest';
import { exportCaption, exportFileStem, importedSubject } from '../../src/io/caption';
import { defaultState } from '../../src/state/appState';

describe('export caption and file name', () => {
  it('names model, data and plane', () => {
    expect(exportCaption(defaultState(), '2-32-32-1 tanh, mse')).toBe(
      '2-32-32-1 tanh, mse · spiral m=256 · filter-normalised random plane, span 1',
    );
    const s = defaultState();
    s.data = { ...s.data, kind: 'spiral', classes: 3, samples: 90 };
    s.plane = { ...s.plane, filterNormalize: false, keepBiasDirections: true, span: 0.5 };
    expect(exportCaption(s, '2-16-3 relu, cross_entropy')).toBe(
      '2-16-3 relu, cross_entropy · spiral ×3 m=90 · Gaussian random plane with bias directions, span 0.5',
    );
    const uvx = defaultState();
    uvx.data.kind = 'uvx';
    expect(exportCaption(uvx, '1-1-1 identity, mse')).toBe('1-1-1 identity, mse · uvx m=256 · the (u, v) plane, span 1');
  });

  it('file names are safe and say what is inside', () => {
    expect(exportFileStem(defaultState(), '2-32-32-1 tanh, mse')).toBe('landscape-spiral-2-32-32-1-tanh-seed1');
    expect(exportFileStem(defaultState(), 'a/b c')).toBe('landscape-spiral-a_b-tanh-seed1');
    expect(importedSubject('run 1.h5', 'h5', null)).toEqual({ caption: 'imported run 1.h5 (h5)', fileStem: 'landscape-run_1' });
    expect(importedSubject('b.json', 'bundle', '2-8-1 tanh, mse').caption).toBe('imported b.json (bundle) · 2-8-1 tanh, mse');
  });
});
