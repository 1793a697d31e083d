/**
 * The "Export" folder of the panel: copy link, PNG (scale, transparent, colour bar, caption) and WebM
 * video (kind, resolution, duration, fps) with a progress line and a cancel button.
 */
import type GUI from 'lil-gui';
import { PNG_SCALES, type PngOptions } from '../io/png';
import { VIDEO_KINDS, type VideoKind, type VideoResolution } from '../io/video';

export interface ExportActions {
  copyLink(): void;
  savePng(options: PngOptions): void;
  recordVideo(options: {
    kind: VideoKind;
    resolution: VideoResolution;
    durationS: number;
    fps: number;
    colorBar: boolean;
    caption: boolean;
  }): void;
  cancel(): void;
}

const KIND_LABELS: Record<VideoKind, string> = {
  turntable: 'turntable (one turn)',
  water: 'water level sweep (min → max)',
  path: 'camera path (current → top view)',
  curve: 'travel along the curve (after connect)',
};

export class ExportPanel {
  private readonly png: PngOptions = { scale: 2, transparent: false, colorBar: true, caption: true };
  private readonly video = { kind: 'turntable' as VideoKind, resolution: '720p' as VideoResolution, durationS: 6, fps: 30 };
  private readonly status = { progress: 'idle' };
  private readonly buttons: { enable(on: boolean): void }[] = [];

  constructor(
    private readonly folder: GUI,
    actions: ExportActions,
  ) {
    const run = {
      copyLink: () => actions.copyLink(),
      savePng: () => actions.savePng({ ...this.png }),
      recordVideo: () => actions.recordVideo({ ...this.video, colorBar: this.png.colorBar, caption: this.png.caption }),
      cancel: () => actions.cancel(),
    };
    folder.add(run, 'copyLink').name('copy link to this view');
    folder.add(this.png, 'scale', [...PNG_SCALES]).name('PNG scale (× canvas)');
    folder.add(this.png, 'transparent').name('transparent background');
    folder.add(this.png, 'colorBar').name('colour bar');
    folder.add(this.png, 'caption').name('caption (model · data · plane)');
    this.buttons.push(folder.add(run, 'savePng').name('⬇ save PNG'));
    const kinds: Record<string, VideoKind> = {};
    for (const k of VIDEO_KINDS) kinds[KIND_LABELS[k]] = k;
    folder.add(this.video, 'kind', kinds).name('video');
    folder.add(this.video, 'resolution', ['720p', '1080p']).name('resolution');
    folder.add(this.video, 'durationS', 1, 30, 0.5).name('duration (s)');
    folder.add(this.video, 'fps', [24, 25, 30, 60]).name('frames / s');
    this.buttons.push(folder.add(run, 'recordVideo').name('⬇ render WebM'));
    folder.add(run, 'cancel').name('✕ cancel export');
    folder.add(this.status, 'progress').name('progress').disable();
  }

  /** Progress text ("frame 12/180 · 7%") and whether the export buttons may start another. */
  setProgress(text: string, busy: boolean): void {
    this.status.progress = text;
    for (const b of this.buttons) b.enable(!busy);
    this.folder.controllersRecursive().forEach((c) => {
      if (c.object === this.status) c.updateDisplay();
    });
  }
}
