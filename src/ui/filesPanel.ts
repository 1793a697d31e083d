/** The "Files" folder: import a surface or model bundle, export the surface in each format. */
import type GUI from 'lil-gui';
import { IMPORT_ACCEPT } from '../io/importFile';

export const EXPORT_FORMATS = ['h5', 'npy', 'csv', 'vtp', 'glb', 'bundle'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface FilesPanelActions {
  /** A file was picked (or dropped) to import. */
  open(file: File): void;
  save(format: ExportFormat): void;
}

const LABELS: Record<ExportFormat, string> = {
  h5: 'surface .h5 (loss-landscape)',
  npy: 'grid .npy (NumPy)',
  csv: 'grid .csv',
  vtp: 'mesh .vtp (ParaView)',
  glb: 'coloured mesh .glb (glTF)',
  bundle: 'model bundle .json',
};

export class FilesPanel {
  /** The hidden file input behind "import file…" (id `file-import`). */
  readonly input: HTMLInputElement;

  constructor(folder: GUI, doc: Document, actions: FilesPanelActions) {
    this.input = doc.createElement('input');
    this.input.type = 'file';
    this.input.id = 'file-import';
    this.input.accept = IMPORT_ACCEPT;
    this.input.hidden = true;
    this.input.addEventListener('change', () => {
      const file = this.input.files?.[0];
      // Reset so that picking the same file again fires another change.
      this.input.value = '';
      if (file !== undefined) actions.open(file);
    });
    doc.body.append(this.input);
    const buttons = { import: () => this.input.click() } as Record<string, () => void>;
    folder.add(buttons, 'import').name('import file… (.h5 .npy .csv .json)');
    for (const format of EXPORT_FORMATS) {
      buttons[format] = () => actions.save(format);
      folder.add(buttons, format).name(`save ${LABELS[format]}`);
    }
  }
}
