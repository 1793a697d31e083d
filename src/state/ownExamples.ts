/**
 * Example models of one's own: ONNX files shipped with the page (public/models/<id>/), opened through
 * the same flow as a researcher's own files. A gallery card and the link key `#own=<id>` open one.
 */

export interface OwnExample {
  readonly id: string;
  readonly title: string;
  readonly oneLine: string;
  /** 2–4 sentences: what the model is and where it came from. */
  readonly explanation: string;
  /** How to open one's own. */
  readonly tryThis: string;
  /** Files under `models/<id>/`, relative to the page. */
  readonly model: string;
  readonly data: string;
  readonly directions: string;
}

export const OWN_EXAMPLES: readonly OwnExample[] = [
  {
    id: 'cnn-digits',
    title: 'Your own model: a CNN on digits',
    oneLine: 'A small PyTorch CNN exported to ONNX, on the plane of its own direction file.',
    explanation:
      'A convolutional network (two 3×3 convolutions with BatchNorm, then a linear layer: 5,810 parameters) trained in PyTorch on 512 8×8 handwritten digits and exported to ONNX. ' +
      'The page runs the ONNX file with onnxruntime-web and draws the plane of the direction file written beside it in PyTorch, so the loss at the centre is the loss PyTorch computed for the same weights.',
    tryThis:
      'Open your own network: export it with torch.onnx.export, save its data as an .npz with x and y, and drop both on the page (or use "open model…" in the panel).',
    model: 'model.onnx',
    data: 'data.npz',
    directions: 'directions.h5',
  },
];

export function ownExampleById(id: string): OwnExample | undefined {
  return OWN_EXAMPLES.find((e) => e.id === id);
}

export function ownExampleHash(example: OwnExample): string {
  return `#own=${encodeURIComponent(example.id)}`;
}

/**
 * The `own=<id>` key of a link, split from the rest: the example it names (null when none or unknown,
 * with a line saying so) and the hash without the key, for the state's own decoder.
 */
export function splitOwnLink(hash: string): { example: OwnExample | null; rest: string; ignored: string[] } {
  const text = typeof hash === 'string' ? hash.replace(/^#/, '') : '';
  const rest: string[] = [];
  const named: string[] = [];
  for (const pair of text.split('&')) {
    if (pair.startsWith('own=')) named.push(pair.slice('own='.length));
    else if (pair !== '') rest.push(pair);
  }
  const raw = named.at(-1);
  if (raw === undefined) return { example: null, rest: rest.join('&'), ignored: [] };
  let id: string | null;
  try {
    id = decodeURIComponent(raw);
  } catch {
    id = null;
  }
  const found = id === null ? undefined : ownExampleById(id);
  const ignored = found === undefined ? [`unknown example model ${JSON.stringify((id ?? raw).slice(0, 40))} (see the Gallery)`] : [];
  return { example: found ?? null, rest: rest.join('&'), ignored };
}
