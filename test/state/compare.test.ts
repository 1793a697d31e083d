import { describe, expect, it } from 'vitest';
import { defaultState, type AppState } from '../../src/state/appState';
import { compareCaveat, formatCompare, leftRecipe, recipeLabel, rightRecipe } from '../../src/state/compare';
import { clampState, decodeState, encodeState } from '../../src/state/urlCodec';

function withCompare(partial: unknown): AppState {
  const { state, ignored } = clampState({ view: { compare: partial } }, defaultState());
  expect(ignored).toEqual([]);
  return state;
}

describe('compare mode in the link (cmp)', () => {
  it('is off by default and round-trips every kind', () => {
    expect(encodeState(defaultState())).toContain('&cmp=off&');
    for (const text of ['off', 'dirs:random', 'dirs:hessian', 'dirs:hessian-top', 'fnorm', 'dseed:2', 'tseed:2147483647', 'dseed:0']) {
      const { state, ignored } = decodeState(`cmp=${encodeURIComponent(text)}`);
      expect(ignored).toEqual([]);
      expect(formatCompare(state.view.compare)).toBe(text);
      expect(decodeState(encodeState(state)).state).toEqual(state);
    }
    expect(decodeState('cmp=dirs:hessian').state.view.compare).toEqual({ kind: 'directions', directions: 'hessian' });
    expect(decodeState('cmp=tseed:7').state.view.compare).toEqual({ kind: 'trainSeed', seed: 7 });
  });

  it('malformed values keep the base with a notice; seeds are rounded and clamped', () => {
    for (const bad of ['dirs', 'dirs:eigen', 'fnorm:1', 'seed:3', 'tseed:', 'tseed:x', 'tseed:1e400', '', 'on', 'dseed:-']) {
      const { state, ignored } = decodeState(`cmp=${encodeURIComponent(bad)}`);
      expect(state.view.compare).toEqual({ kind: 'off' });
      expect(ignored).toHaveLength(1);
      expect(ignored[0]).toContain('compare');
      expect(ignored[0]).toContain('kept "off"');
    }
    const over = decodeState('cmp=tseed:99999999999');
    expect(over.state.view.compare).toEqual({ kind: 'trainSeed', seed: 2 ** 31 - 1 });
    expect(over.ignored[0]).toContain('clamped');
    const negative = decodeState('cmp=dseed:-5');
    expect(negative.state.view.compare).toEqual({ kind: 'directionSeed', seed: 0 });
    const fraction = clampState({ view: { compare: { kind: 'trainSeed', seed: 2.4 } } }, defaultState());
    expect(fraction.state.view.compare).toEqual({ kind: 'trainSeed', seed: 2 });
    expect(fraction.ignored[0]).toContain('rounded');
  });

  it('the console API takes objects, link text or false, and refuses junk', () => {
    expect(withCompare({ kind: 'directions', directions: 'hessian-top' }).view.compare).toEqual({
      kind: 'directions',
      directions: 'hessian-top',
    });
    expect(withCompare({ kind: 'filterNormalize' }).view.compare).toEqual({ kind: 'filterNormalize' });
    expect(withCompare({ kind: 'dseed', seed: 5 }).view.compare).toEqual({ kind: 'directionSeed', seed: 5 });
    expect(withCompare('tseed:3').view.compare).toEqual({ kind: 'trainSeed', seed: 3 });
    const on = withCompare('fnorm');
    expect(clampState({ view: { compare: false } }, on).state.view.compare).toEqual({ kind: 'off' });
    for (const junk of [
      null,
      3,
      [1],
      { kind: 'directions' },
      { kind: 'trainSeed', seed: 'x' },
      { kind: 'fnorm', extra: 1 },
      { kind: 'nope' },
    ]) {
      const r = clampState({ view: { compare: junk } }, on);
      expect(r.state.view.compare).toEqual({ kind: 'filterNormalize' });
      expect(r.ignored).toHaveLength(1);
      expect(r.ignored[0]).toContain('kept "fnorm"');
    }
  });

  it('the second view changes exactly one thing, and the labels say what each view is', () => {
    const base = defaultState();
    const left = leftRecipe(base);
    expect(rightRecipe(base)).toBeNull();
    expect(rightRecipe(withCompare('fnorm'))).toEqual({ ...left, filterNormalize: false });
    expect(rightRecipe(withCompare('dirs:hessian'))).toEqual({ ...left, directions: 'hessian' });
    expect(rightRecipe(withCompare('dseed:9'))).toEqual({ ...left, directionSeed: 9 });
    expect(rightRecipe(withCompare('tseed:9'))).toEqual({ ...left, trainSeed: 9 });
    expect(recipeLabel(left, 'filterNormalize')).toBe('random plane, filter-normalised');
    expect(recipeLabel({ ...left, filterNormalize: false }, 'filterNormalize')).toBe('random plane, not filter-normalised');
    expect(recipeLabel({ ...left, directions: 'hessian' }, 'directions', 'λ_max = 3, λ_min = −1')).toBe(
      'Hessian plane: λ_max = 3, λ_min = −1',
    );
    expect(recipeLabel({ ...left, trainSeed: 4 }, 'trainSeed')).toBe('random plane, filter-normalised · θ₀ trained from seed 4');
    expect(recipeLabel({ ...left, directionSeed: 4 }, 'directionSeed')).toBe('random plane, filter-normalised · direction seed 4');
  });

  it('says when both views must show the same surface', () => {
    expect(compareCaveat(withCompare('dirs:random'))).toContain('same plane');
    expect(compareCaveat(withCompare('dirs:hessian'))).toBeNull();
    expect(compareCaveat(withCompare('tseed:1'))).toContain('same θ₀');
    const hessianFnorm = clampState({ plane: { directions: 'hessian' }, view: { compare: 'fnorm' } }, defaultState()).state;
    expect(compareCaveat(hessianFnorm)).toContain('does not apply');
  });
});
