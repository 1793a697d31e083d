/** The page's state store: every write validated, the hash and the notices written only by it. */
import { describe, expect, it } from 'vitest';
import { Store, sameEngineInputs, sameExceptSublevel } from '../../src/app/store';
import { defaultState } from '../../src/state/appState';
import { decodeState, encodeState } from '../../src/state/urlCodec';

function store(): { store: Store; hashes: string[]; shown: { lines: readonly string[]; kind: string }[] } {
  const hashes: string[] = [];
  const shown: { lines: readonly string[]; kind: string }[] = [];
  const s = new Store(defaultState(), { hash: (h) => hashes.push(h), notices: (lines, kind) => shown.push({ lines, kind }) });
  return { store: s, hashes, shown };
}

describe('Store', () => {
  it('validates every update: out-of-range values are clamped and named, unknown keys refused', () => {
    const { store: s, hashes } = store();
    const change = s.update({ plane: { gridSize: 999999, span: -3 }, model: { hidden: [8] }, colour: 'red' });
    expect(change.state.plane.gridSize).toBe(1024);
    expect(change.state.plane.span).toBeGreaterThan(0);
    expect(change.state.model.hidden).toEqual([8]);
    expect(change.ignored.join(' ')).toMatch(/gridSize/);
    expect(change.ignored.join(' ')).toMatch(/unknown key "colour"/);
    expect(change.before.plane.gridSize).toBe(defaultState().plane.gridSize);
    // The hash is the validated state, and decodes to it.
    const last = hashes[hashes.length - 1] ?? '';
    expect(last).toBe(encodeState(s.state));
    expect(decodeState(last).state.plane.gridSize).toBe(1024);
  });

  it('never hands out its own state object', () => {
    const { store: s } = store();
    const copy = s.state;
    copy.plane.gridSize = 5;
    expect(s.state.plane.gridSize).toBe(defaultState().plane.gridSize);
  });

  it('clears the flow when an engine input changes, keeps it for a view change or when the change names a flow', () => {
    const { store: s } = store();
    s.update({ flow: 'connect:kind=bezier,steps=300' });
    expect(s.state.flow).toBe('connect:kind=bezier,steps=300');
    s.update({ view: { colormap: 'magma' }, sublevel: { level: 0.5 } });
    expect(s.state.flow).toBe('connect:kind=bezier,steps=300');
    s.update({ plane: { span: 2 } });
    expect(s.state.flow).toBe('');
    s.update({ plane: { span: 3 }, flow: 'trajectory:seed=2' });
    expect(s.state.flow).toBe('trajectory:seed=2');
    // A malformed flow is refused with a notice and the old one kept.
    const bad = s.update({ flow: 'teleport:now' });
    expect(bad.state.flow).toBe('trajectory:seed=2');
    expect(bad.ignored.join(' ')).toMatch(/teleport/);
  });

  it('writes the hash only when asked', () => {
    const { store: s, hashes } = store();
    s.update({ seed: 4 }, { writeHash: false });
    expect(hashes).toEqual([]);
    s.writeHash();
    expect(hashes).toEqual([encodeState(s.state)]);
  });

  it('owns the notices: replace, add, and clear', () => {
    const { store: s, shown } = store();
    s.notify(['link: grid clamped']);
    s.addNotices(['The GPU kernel failed'], 'error');
    expect(s.notices).toEqual(['link: grid clamped', 'The GPU kernel failed']);
    expect(shown[shown.length - 1]).toEqual({ lines: ['link: grid clamped', 'The GPU kernel failed'], kind: 'error' });
    s.addNotices([]);
    expect(shown).toHaveLength(2);
    s.notify([]);
    expect(s.notices).toEqual([]);
  });

  it('tells view-only changes from engine changes', () => {
    const a = defaultState();
    expect(sameExceptSublevel(a, { ...a, sublevel: { ...a.sublevel, level: 3 }, camera: { ...a.camera, azimuth: 0 } })).toBe(true);
    expect(sameExceptSublevel(a, { ...a, view: { ...a.view, colormap: 'magma' } })).toBe(false);
    expect(sameEngineInputs(a, { ...a, view: { ...a.view, colormap: 'magma' } })).toBe(true);
    expect(sameEngineInputs(a, { ...a, plane: { ...a.plane, span: 3 } })).toBe(false);
  });
});
