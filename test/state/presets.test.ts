import { describe, expect, it } from 'vitest';
import { PRESETS, decodeLink, presetById, presetHash, presetState } from '../../src/state/presets';
import { decodeState, encodeState } from '../../src/state/urlCodec';
import { defaultState } from '../../src/state/appState';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ready = PRESETS;

describe('presets as data', () => {
  it('has unique ids, text for every field, and 2–4 sentences of explanation', () => {
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
    for (const p of PRESETS) {
      expect(p.id).toMatch(/^[a-z0-9-]+$/);
      expect(p.title.length).toBeGreaterThan(0);
      expect(p.oneLine.length).toBeGreaterThan(0);
      expect(p.tryThis.length).toBeGreaterThan(0);
      const sentences = p.explanation
        .replaceAll('et al.', 'et al')
        .split(/(?<=[.!?])\s+/)
        .filter((s) => s.length > 0).length;
      expect(sentences, p.id).toBeGreaterThanOrEqual(2);
      expect(sentences, p.id).toBeLessThanOrEqual(4);
    }
    // Every preset the issue asks for is there.
    for (const id of [
      'uvx',
      'deep-linear',
      'wide-tanh',
      'narrow-tanh',
      'relu',
      'width-m',
      'width-m1',
      'xor-3-sigmoid',
      'mode-connectivity',
      'ce-ray',
      'fnorm-on',
      'fnorm-off',
      'plain-deep',
      'residual',
      'digits',
    ]) {
      expect(presetById(id), id).toBeDefined();
    }
  });

  it.each(ready.map((p) => [p.id, p] as const))('%s: its state validates with nothing ignored or clamped', (_id, p) => {
    const { state, ignored } = presetState(p);
    expect(ignored).toEqual([]);
    expect(state.view.colormap).toBe(p.view.colormap);
    expect(state.camera).toEqual(p.view.camera);
    expect(state.sublevel.level).toBe(p.view.level);
    // It differs from the defaults (a preset that changes nothing teaches nothing).
    expect(encodeState(state)).not.toBe(encodeState(defaultState()));
  });

  it.each(ready.map((p) => [p.id, p] as const))('%s: #preset=<id> expands to its state, and the full hash round-trips', (_id, p) => {
    const link = decodeLink(presetHash(p));
    expect(link.ignored).toEqual([]);
    expect(link.preset?.id).toBe(p.id);
    expect(link.state).toEqual(presetState(p).state);
    const full = decodeState(`#${encodeState(link.state)}`);
    expect(full.ignored).toEqual([]);
    expect(full.state).toEqual(link.state);
    expect(decodeLink(`#${encodeState(link.state)}`).state).toEqual(link.state);
  });

  it('applies other keys of the hash over the preset', () => {
    const link = decodeLink('#preset=wide-tanh&grid=33&steps=100');
    expect(link.ignored).toEqual([]);
    expect(link.state.plane.gridSize).toBe(33);
    expect(link.state.train.steps).toBe(100);
    expect(link.state.model.hidden).toEqual(presetById('wide-tanh')?.state.model?.hidden);
  });

  it('an unknown preset gives the default state and a notice', () => {
    const unknown = decodeLink('#preset=nope');
    expect(unknown.preset).toBeNull();
    expect(unknown.state).toEqual(defaultState());
    expect(unknown.ignored.join()).toContain('unknown preset "nope"');
    expect(decodeLink('#preset=%E0%A4').ignored.join()).toContain('unknown preset');
    expect(decodeLink('').ignored).toEqual([]);
    expect(decodeLink('#seed=3').state.seed).toBe(3);
  });

  it('the README lists every ready preset with its link', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    for (const p of ready) expect(readme, p.id).toContain(`\`#preset=${p.id}\``);
  });
});
