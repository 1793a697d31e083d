import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VIDEO_LIMITS, checkVideoOptions, defaultVideoPlan, frameParameter } from '../../src/io/video';
import { parseWebm } from './ebml';

describe('video options', () => {
  it('720p and 1080p reach the plan as pixel sizes; explicit sizes override, rounded to even', () => {
    expect(checkVideoOptions({ resolution: '720p' }).plan).toMatchObject({ width: 1280, height: 720 });
    expect(checkVideoOptions({ resolution: '1080p', fps: 60, durationS: 2 }).plan).toMatchObject({
      width: 1920,
      height: 1080,
      fps: 60,
      frames: 120,
      durationS: 2,
    });
    expect(checkVideoOptions({ resolution: '1080p', width: 320, height: 240 }).plan).toMatchObject({ width: 320, height: 240 });
    const odd = checkVideoOptions({ width: 321, height: 241 });
    expect(odd.plan).toMatchObject({ width: 322, height: 242 });
    expect(odd.ignored).toHaveLength(2);
  });

  it('frames = round(duration · fps), and the duration is what the frames last', () => {
    expect(checkVideoOptions({ fps: 10, durationS: 1 }).plan).toMatchObject({ frames: 10, durationS: 1 });
    expect(checkVideoOptions({ fps: 30, durationS: 0.1 }).plan).toMatchObject({ frames: 3, durationS: 0.1 });
    expect(checkVideoOptions({ fps: 24, durationS: 1.01 }).plan).toMatchObject({ frames: 24, durationS: 1 });
  });

  it('reports junk and clamps, never throws', () => {
    const r = checkVideoOptions({ kind: 'zoom', resolution: '4k', fps: 500, durationS: 'long', codec: 'h264', path: [1, 2], extra: 1 });
    expect(r.plan).toMatchObject({ kind: 'turntable', width: 1280, height: 720, fps: 60, codec: 'vp9', path: null });
    expect(r.ignored.join(' | ')).toMatch(/kind "zoom".*resolution "4k"|resolution "4k".*kind "zoom"/);
    expect(r.ignored.some((m) => m.includes('unknown video option "extra"'))).toBe(true);
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const { plan } = checkVideoOptions(input);
        expect(plan.frames).toBeGreaterThanOrEqual(1);
        expect(plan.fps).toBeGreaterThanOrEqual(VIDEO_LIMITS.fps[0]);
        expect(plan.width % 2).toBe(0);
        expect(plan.height % 2).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('a turntable loops (its last frame stops one step short of a full turn); sweeps and paths reach the end', () => {
    const plan = { ...defaultVideoPlan(), frames: 4 };
    expect([0, 1, 2, 3].map((i) => frameParameter({ ...plan, kind: 'turntable' }, i))).toEqual([0, 0.25, 0.5, 0.75]);
    expect([0, 1, 2, 3].map((i) => frameParameter({ ...plan, kind: 'water' }, i))).toEqual([0, 1 / 3, 2 / 3, 1]);
    expect(frameParameter({ ...plan, kind: 'path', frames: 1 }, 0)).toBe(0);
  });
});

describe('the test EBML reader', () => {
  it('reads a hand-made WebM: header, info, track, two clusters of blocks', () => {
    const el = (id: number[], data: number[]): number[] => {
      if (data.length > 126) throw new Error('test helper: short elements only');
      return [...id, 0x80 | data.length, ...data];
    };
    const f64 = (v: number): number[] => {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(v);
      return [...b];
    };
    const block = (rel: number, key: boolean): number[] => el([0xa3], [0x81, (rel >> 8) & 0xff, rel & 0xff, key ? 0x80 : 0, 1, 2, 3]);
    const bytes = [
      ...el([0x1a, 0x45, 0xdf, 0xa3], el([0x42, 0x82], [...Buffer.from('webm')])),
      // Segment of unknown size (as streaming muxers write it).
      0x18,
      0x53,
      0x80,
      0x67,
      0x01,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      0xff,
      ...el([0x15, 0x49, 0xa9, 0x66], [...el([0x2a, 0xd7, 0xb1], [0x0f, 0x42, 0x40]), ...el([0x44, 0x89], f64(300))]),
      ...el(
        [0x16, 0x54, 0xae, 0x6b],
        el([0xae], [...el([0x86], [...Buffer.from('V_VP9')]), ...el([0xe0], [...el([0xb0], [0x01, 0x40]), ...el([0xba], [0xf0])])]),
      ),
      ...el([0x1f, 0x43, 0xb6, 0x75], [...el([0xe7], [0]), ...block(0, true), ...block(100, false)]),
      ...el([0x1f, 0x43, 0xb6, 0x75], [...el([0xe7], [200]), ...block(0, false)]),
    ];
    const w = parseWebm(Uint8Array.from(bytes));
    expect(w).toEqual({
      docType: 'webm',
      timestampScale: 1e6,
      durationS: 0.3,
      codecId: 'V_VP9',
      width: 320,
      height: 240,
      blockTimes: [0, 0.1, 0.2],
      keyFrames: 1,
    });
    expect(() => parseWebm(Uint8Array.from(bytes.slice(0, 60)))).toThrow();
  });
});
