/**
 * WebM videos of the 3-D view, rendered frame by frame at a fixed frame rate (deterministic, never
 * screen-recorded): WebCodecs VideoEncoder (VP9, else VP8) through the mediabunny muxer. Where the
 * browser has no VideoEncoder, MediaRecorder records the same frames in real time as a fallback
 * (its timing then follows the wall clock, and its file may lack a duration).
 */
import type { CameraPose } from '../view/camera';

export const VIDEO_KINDS = ['turntable', 'water', 'path', 'curve'] as const;
/**
 * turntable: one turn around the box; water: the water level from the minimum to the maximum;
 * path: a camera path through poses; curve: a marker travelling along the connected curve (t: 0 → 1).
 */
export type VideoKind = (typeof VIDEO_KINDS)[number];

export const VIDEO_RESOLUTIONS = { '720p': { width: 1280, height: 720 }, '1080p': { width: 1920, height: 1080 } } as const;
export type VideoResolution = keyof typeof VIDEO_RESOLUTIONS;

export const VIDEO_CODECS = ['vp9', 'vp8'] as const;
export type VideoCodecName = (typeof VIDEO_CODECS)[number];

export const VIDEO_LIMITS = { fps: [1, 60], durationS: [0.1, 120], side: [16, 3840] } as const;

/** What a video should be, resolved and in range. */
export interface VideoPlan {
  readonly kind: VideoKind;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly durationS: number;
  /** round(durationS · fps), at least 1; frame i shows time i / fps. */
  readonly frames: number;
  readonly codec: VideoCodecName;
  readonly colorBar: boolean;
  readonly caption: boolean;
  /** Keyframes of a `path` video; null means "from the current view to the top view". */
  readonly path: readonly CameraPose[] | null;
}

export function defaultVideoPlan(): VideoPlan {
  return {
    kind: 'turntable',
    ...VIDEO_RESOLUTIONS['720p'],
    fps: 30,
    durationS: 6,
    frames: 180,
    codec: 'vp9',
    colorBar: true,
    caption: true,
    path: null,
  };
}

/**
 * Loose options (console API, panel) over the defaults. `resolution: '720p' | '1080p'` sets the size;
 * explicit `width`/`height` (even, 16..3840) override it. Never throws; problems go to `ignored`.
 */
export function checkVideoOptions(input: unknown): { plan: VideoPlan; ignored: string[] } {
  const base = defaultVideoPlan();
  const ignored: string[] = [];
  if (input === undefined || input === null) return { plan: base, ignored };
  if (typeof input !== 'object' || Array.isArray(input)) {
    ignored.push('video options must be an object like { kind: "turntable", resolution: "720p" }');
    return { plan: base, ignored };
  }
  let { kind, width, height, fps, durationS, codec, colorBar, caption, path } = base;
  const entries = new Map<string, unknown>(Object.entries(input));
  const resolution = entries.get('resolution');
  if (resolution !== undefined) {
    if (resolution === '720p' || resolution === '1080p') ({ width, height } = VIDEO_RESOLUTIONS[resolution]);
    else ignored.push(`video resolution ${show(resolution)} is not 720p or 1080p; kept ${width}×${height}`);
  }
  for (const [key, value] of entries) {
    switch (key) {
      case 'resolution':
      case 'download':
      case 'forceMediaRecorder':
        break;
      case 'kind': {
        const k = VIDEO_KINDS.find((v) => v === value);
        if (k === undefined) ignored.push(`video kind ${show(value)} is not one of ${VIDEO_KINDS.join(', ')}; kept ${kind}`);
        else kind = k;
        break;
      }
      case 'codec': {
        const c = VIDEO_CODECS.find((v) => v === value);
        if (c === undefined) ignored.push(`video codec ${show(value)} is not vp9 or vp8; kept ${codec}`);
        else codec = c;
        break;
      }
      case 'width':
      case 'height': {
        const v = number(value, VIDEO_LIMITS.side, key, ignored);
        if (v !== null) {
          const even = Math.round(v / 2) * 2;
          if (even !== v) ignored.push(`video ${key} ${v} rounded to the even ${even} (VP8/VP9 need even sizes)`);
          if (key === 'width') width = even;
          else height = even;
        }
        break;
      }
      case 'fps': {
        const v = number(value, VIDEO_LIMITS.fps, 'fps', ignored);
        if (v !== null) fps = Math.round(v);
        break;
      }
      case 'durationS': {
        const v = number(value, VIDEO_LIMITS.durationS, 'durationS', ignored);
        if (v !== null) durationS = v;
        break;
      }
      case 'colorBar':
      case 'caption':
        if (typeof value !== 'boolean') ignored.push(`video ${key} must be true or false`);
        else if (key === 'colorBar') colorBar = value;
        else caption = value;
        break;
      case 'path':
        path = checkPath(value, ignored);
        break;
      default:
        ignored.push(`unknown video option ${JSON.stringify(key)}`);
    }
  }
  const frames = Math.max(1, Math.round(durationS * fps));
  return { plan: { kind, width, height, fps, durationS: frames / fps, frames, codec, colorBar, caption, path }, ignored };
}

/** The animation parameter of frame `index`: a turntable ends one frame short of a full turn (it loops). */
export function frameParameter(plan: Pick<VideoPlan, 'kind' | 'frames'>, index: number): number {
  if (plan.frames <= 1) return 0;
  return plan.kind === 'turntable' ? index / plan.frames : index / Math.max(1, plan.frames - 1);
}

/** Draws frame `index` (0-based) onto `canvas`; called once per frame, in order. */
export interface FrameSource {
  readonly canvas: HTMLCanvasElement;
  drawFrame(index: number): void;
}

export interface VideoResult {
  readonly blob: Blob;
  readonly encoder: 'webcodecs' | 'mediarecorder';
  readonly codec: string;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly durationS: number;
}

export interface EncodeOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (framesDone: number, framesTotal: number) => void;
  /** Use MediaRecorder even where WebCodecs exists (to test the fallback). */
  readonly forceMediaRecorder?: boolean;
}

/** Renders and encodes every frame of `plan`; rejects with an AbortError when `signal` aborts. */
export async function encodeWebm(plan: VideoPlan, source: FrameSource, options: EncodeOptions = {}): Promise<VideoResult> {
  if (!options.forceMediaRecorder && typeof VideoEncoder !== 'undefined') {
    const codec = await pickCodec(plan);
    if (codec !== null) return encodeWithWebCodecs(plan, codec, source, options);
  }
  if (typeof MediaRecorder === 'undefined') throw new Error('this browser can encode video neither with WebCodecs nor with MediaRecorder');
  return recordWithMediaRecorder(plan, source, options);
}

async function pickCodec(plan: VideoPlan): Promise<VideoCodecName | null> {
  const { canEncodeVideo } = await import('mediabunny');
  for (const codec of [plan.codec, ...VIDEO_CODECS.filter((c) => c !== plan.codec)]) {
    if (await canEncodeVideo(codec, { width: plan.width, height: plan.height, frameRate: plan.fps })) return codec;
  }
  return null;
}

async function encodeWithWebCodecs(
  plan: VideoPlan,
  codec: VideoCodecName,
  source: FrameSource,
  options: EncodeOptions,
): Promise<VideoResult> {
  const { BufferTarget, CanvasSource, Output, QUALITY_HIGH, WebMOutputFormat } = await import('mediabunny');
  const output = new Output({ format: new WebMOutputFormat(), target: new BufferTarget() });
  const video = new CanvasSource(source.canvas, { codec, quality: QUALITY_HIGH, keyFrameInterval: 2 });
  output.addVideoTrack(video, { frameRate: plan.fps });
  await output.start();
  try {
    for (let i = 0; i < plan.frames; i++) {
      throwIfAborted(options.signal);
      source.drawFrame(i);
      await video.add(i / plan.fps, 1 / plan.fps);
      options.onProgress?.(i + 1, plan.frames);
      // Let clicks (cancel) and progress paint between frames.
      if (i % 2 === 1) await nextTask();
    }
    throwIfAborted(options.signal);
    await output.finalize();
  } catch (err) {
    if (output.state !== 'finalized' && output.state !== 'canceled') await output.cancel().catch(() => undefined);
    throw err;
  }
  const buffer = output.target.buffer;
  if (buffer === null) throw new Error('the muxer produced no file');
  return {
    blob: new Blob([buffer], { type: 'video/webm' }),
    encoder: 'webcodecs',
    codec,
    frames: plan.frames,
    width: plan.width,
    height: plan.height,
    fps: plan.fps,
    durationS: plan.durationS,
  };
}

/** Longest wait for MediaRecorder's start event before frames are drawn anyway. */
const START_TIMEOUT_MS = 3000;

async function recordWithMediaRecorder(plan: VideoPlan, source: FrameSource, options: EncodeOptions): Promise<VideoResult> {
  const mimeType = [`video/webm;codecs=${plan.codec}`, 'video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((t) =>
    MediaRecorder.isTypeSupported(t),
  );
  if (mimeType === undefined) throw new Error('MediaRecorder here cannot write WebM');
  // Draw the first frame before capturing, so the stream starts with a picture.
  source.drawFrame(0);
  const stream = source.canvas.captureStream(0);
  const track = stream.getVideoTracks()[0];
  if (track === undefined) throw new Error('the canvas gave no video track');
  const recorder = new MediaRecorder(stream, { mimeType, videoBitsPerSecond: 8_000_000 });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (e) => {
    if (e.data.size > 0) chunks.push(e.data);
  };
  const stopped = new Promise<void>((resolve) => recorder.addEventListener('stop', () => resolve(), { once: true }));
  const started = new Promise<void>((resolve) => recorder.addEventListener('start', () => resolve(), { once: true }));
  recorder.start();
  // Frames requested before the recorder has started are lost: in headless Chromium 150 the start event
  // came only after 0.5 s of frames, and the file held none. Wait for it (bounded, should it never come).
  await Promise.race([started, sleep(START_TIMEOUT_MS)]);
  const frameMs = 1000 / plan.fps;
  const start = performance.now();
  try {
    for (let i = 0; i < plan.frames; i++) {
      throwIfAborted(options.signal);
      if (i > 0) source.drawFrame(i);
      requestFrame(track);
      options.onProgress?.(i + 1, plan.frames);
      await sleep(Math.max(0, start + (i + 1) * frameMs - performance.now()));
    }
  } finally {
    recorder.stop();
    await stopped;
    track.stop();
  }
  throwIfAborted(options.signal);
  return {
    blob: new Blob(chunks, { type: 'video/webm' }),
    encoder: 'mediarecorder',
    codec: mimeType,
    frames: plan.frames,
    width: plan.width,
    height: plan.height,
    fps: plan.fps,
    durationS: plan.durationS,
  };
}

function requestFrame(track: MediaStreamTrack): void {
  const capture = track as MediaStreamTrack & { requestFrame?: () => void };
  capture.requestFrame?.();
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DOMException('video export cancelled', 'AbortError');
}

function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function checkPath(value: unknown, ignored: string[]): readonly CameraPose[] | null {
  if (value === null) return null;
  const ok = (p: unknown): p is CameraPose =>
    typeof p === 'object' &&
    p !== null &&
    ['azimuth', 'elevation', 'distance'].every((k) => Number.isFinite((p as Record<string, unknown>)[k]));
  if (!Array.isArray(value) || value.length === 0 || !value.every(ok)) {
    ignored.push('video path must be a non-empty list of { azimuth, elevation, distance }; using current view → top view');
    return null;
  }
  return value.map((p: CameraPose) => ({ azimuth: p.azimuth, elevation: p.elevation, distance: p.distance }));
}

function number(value: unknown, [lo, hi]: readonly [number, number], name: string, ignored: string[]): number | null {
  const v = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    ignored.push(`video ${name} ${show(value)} is not a number; kept the default`);
    return null;
  }
  if (v < lo || v > hi) {
    const c = Math.min(hi, Math.max(lo, v));
    ignored.push(`video ${name} ${v} clamped to ${c}`);
    return c;
  }
  return v;
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
