/**
 * Files in and out: the Files folder, drag and drop onto the page, the exports of the surface on
 * screen and the imports (checked by src/io, shown by the app). A bad file only shows a notice.
 */
import type GUI from 'lil-gui';
import { bundleToJson, type ModelBundle } from '../io/bundle';
import { surfaceToCsv } from '../io/csv';
import { saveData } from '../io/download';
import { meshToGlb } from '../io/glb';
import type { SurfaceRecipe } from '../io/gridData';
import { surfaceToH5 } from '../io/h5Surface';
import { importFile, type ImportedFile } from '../io/importFile';
import { surfaceToNpy } from '../io/npy';
import { onnxSurfaceToH5, type OnnxSurfaceRecipe } from '../io/onnxH5';
import { MAX_FILE_BYTES, describeBytes } from '../io/result';
import { errorMessage } from '../model/errors';
import { surfaceToVtp } from '../io/vtp';
import { gridRows, type Surface } from '../landscape/surface';
import type { AppState } from '../state/appState';
import { FilesPanel, type ExportFormat } from '../ui/filesPanel';
import { BOX_HALF_WIDTH, BOX_HEIGHT } from '../view/axes';
import { colormap, nonFiniteColor } from '../view/colormaps';
import { surfaceHeights } from '../view/heights';
import { toLinear } from '../view/linearColor';

/** What the exports read from the app. */
export interface FileHost {
  /** The surface on screen and, when known, how to recompute it and the model behind it. */
  current(): { surface: Surface; recipe: SurfaceRecipe | null; bundle: ModelBundle | null; onnx?: OnnxSurfaceRecipe } | null;
  state(): AppState;
  /** Show a parsed file (a surface or a bundle to evaluate); rejects with a message on failure. */
  show(file: ImportedFile): Promise<void>;
  notify(lines: readonly string[], kind: 'info' | 'error'): void;
}

export interface ExportedFile {
  readonly fileName: string;
  readonly mime: string;
  readonly data: Uint8Array | string;
}

export class FileController {
  readonly panel: FilesPanel;

  constructor(
    folder: GUI,
    private readonly root: HTMLElement,
    private readonly host: FileHost,
  ) {
    this.panel = new FilesPanel(folder, root.ownerDocument, {
      open: (file) => void this.openFile(file),
      save: (format) => void this.save(format).catch(() => undefined),
    });
    this.installDrop();
  }

  /** Read, check and show a file; resolves with the error text, or null when it is shown. */
  async importBytes(bytes: Uint8Array, name: string): Promise<string | null> {
    const parsed = await importFile(bytes, name);
    if (!parsed.ok) {
      this.host.notify([`Could not open ${name}: ${parsed.error}. The view is unchanged.`], 'error');
      return parsed.error;
    }
    try {
      await this.host.show(parsed.value);
      return null;
    } catch (err) {
      const message = errorMessage(err);
      this.host.notify([`Could not show ${name}: ${message}. The view is unchanged.`], 'error');
      return message;
    }
  }

  /** Build the file for a format from the surface on screen. */
  async build(format: ExportFormat): Promise<ExportedFile> {
    const current = this.host.current();
    if (current === null) throw new Error('no surface yet');
    const { surface, recipe, bundle, onnx } = current;
    const base = `loss-surface-${surface.gridSize}x${gridRows(surface)}`;
    switch (format) {
      case 'h5':
        return {
          fileName: `${base}.h5`,
          mime: 'application/x-hdf5',
          data: onnx ? await onnxSurfaceToH5(surface, onnx) : await surfaceToH5(surface, recipe ?? undefined),
        };
      case 'npy':
        return { fileName: `${base}.npy`, mime: 'application/octet-stream', data: surfaceToNpy(surface) };
      case 'csv':
        return { fileName: `${base}.csv`, mime: 'text/csv', data: surfaceToCsv(surface) };
      case 'vtp':
        return { fileName: `${base}.vtp`, mime: 'application/xml', data: surfaceToVtp(surface, 'binary') };
      case 'glb':
        return { fileName: `${base}.glb`, mime: 'model/gltf-binary', data: this.glb(surface) };
      case 'bundle': {
        if (onnx) throw new Error('a model of your own is not a bundle: its .h5 export names the model file and its SHA-256');
        if (bundle === null) throw new Error('this surface has no model behind it (it was imported from a grid file)');
        return { fileName: 'model-bundle.json', mime: 'application/json', data: bundleToJson(bundle) };
      }
    }
  }

  /** Build and download; a failure becomes a notice. */
  async save(format: ExportFormat, download = true): Promise<ExportedFile> {
    try {
      const file = await this.build(format);
      if (download) saveData(file.data, file.fileName, file.mime);
      const refining = this.host.current()?.surface.refining;
      if (refining !== undefined) {
        this.host.notify([`${file.fileName} holds the level on screen; the ${refining.finalSize}² grid is still being computed`], 'info');
      }
      return file;
    } catch (err) {
      this.host.notify([`Export ${format} failed: ${errorMessage(err)}`], 'error');
      throw err;
    }
  }

  private glb(surface: Surface): Uint8Array {
    const view = this.host.state().view;
    const { heights, colorT, nonFiniteMask } = surfaceHeights(surface.loss, {
      logScale: view.logScale,
      zClip: view.zClip,
      min: surface.min,
      max: surface.max,
    });
    const colors = new Float32Array(heights.length * 3);
    const marking = toLinear(nonFiniteColor(view.colormap));
    for (let i = 0; i < heights.length; i++) {
      colors.set(nonFiniteMask[i] === 1 ? marking : toLinear(colormap(view.colormap, colorT[i] ?? 0)), i * 3);
    }
    return meshToGlb({
      nx: surface.gridSize,
      ny: gridRows(surface),
      alphas: surface.alphas,
      betas: surface.betas,
      span: surface.span,
      heights,
      colors,
      heightScale: BOX_HEIGHT / BOX_HALF_WIDTH,
    });
  }

  private async openFile(file: File): Promise<void> {
    if (file.size > MAX_FILE_BYTES) {
      // Checked before reading: a file past the limit is never loaded into memory.
      this.host.notify(
        [
          `Could not open ${file.name}: it is ${describeBytes(file.size)}, more than the limit of ${describeBytes(MAX_FILE_BYTES)}. The view is unchanged.`,
        ],
        'error',
      );
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (err) {
      this.host.notify([`Could not read ${file.name}: ${errorMessage(err)}`], 'error');
      return;
    }
    await this.importBytes(bytes, file.name);
  }

  private installDrop(): void {
    const target = this.root;
    let depth = 0;
    const hasFiles = (e: DragEvent): boolean => e.dataTransfer?.types.includes('Files') === true;
    target.addEventListener('dragenter', (e) => {
      if (!hasFiles(e)) return;
      depth++;
      target.classList.add('file-drop');
    });
    target.addEventListener('dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) target.classList.remove('file-drop');
    });
    target.addEventListener('dragover', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    });
    target.addEventListener('drop', (e) => {
      const file = e.dataTransfer?.files[0];
      if (file === undefined) return;
      e.preventDefault();
      depth = 0;
      target.classList.remove('file-drop');
      void this.openFile(file);
    });
  }
}
