/**
 * A small EBML (Matroska/WebM) reader for tests: walks the element tree and reports what a player
 * needs to agree with the file: doc type, timestamp scale, duration, track codec and size, and the
 * video blocks (SimpleBlock or BlockGroup/Block) with their absolute timestamps.
 */
export interface WebmSummary {
  readonly docType: string;
  /** Nanoseconds per timestamp unit (1,000,000 = milliseconds). */
  readonly timestampScale: number;
  /** Segment duration in seconds (Duration × TimestampScale), NaN if absent. */
  readonly durationS: number;
  readonly codecId: string;
  readonly width: number;
  readonly height: number;
  /** Absolute block timestamps in seconds, in file order. */
  readonly blockTimes: number[];
  /** Number of key frames among the blocks. */
  readonly keyFrames: number;
}

const ID = {
  EBML: 0x1a45dfa3,
  DocType: 0x4282,
  Segment: 0x18538067,
  Info: 0x1549a966,
  TimestampScale: 0x2ad7b1,
  Duration: 0x4489,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  CodecID: 0x86,
  Video: 0xe0,
  PixelWidth: 0xb0,
  PixelHeight: 0xba,
  Cluster: 0x1f43b675,
  Timestamp: 0xe7,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
} as const;
const MASTERS = new Set<number>([ID.EBML, ID.Segment, ID.Info, ID.Tracks, ID.TrackEntry, ID.Video, ID.Cluster, ID.BlockGroup]);

function readVint(bytes: Uint8Array, offset: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } {
  const first = bytes[offset];
  if (first === undefined || first === 0) throw new Error(`bad EBML variable-length integer at ${offset}`);
  let length = 1;
  while (!(first & (0x80 >> (length - 1)))) length++;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const b = bytes[offset + i];
    if (b === undefined) throw new Error('EBML integer runs past the end');
    value = value * 256 + b;
    if (b !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

export function parseWebm(bytes: Uint8Array): WebmSummary {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = { docType: '', timestampScale: 1_000_000, duration: NaN, codecId: '', width: 0, height: 0 };
  const blocks: { cluster: number; relative: number; key: boolean }[] = [];
  let clusterTime = 0;
  const uint = (o: number, n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + (bytes[o + i] ?? 0);
    return v;
  };
  const walk = (start: number, end: number): void => {
    let offset = start;
    while (offset < end) {
      const id = readVint(bytes, offset, true);
      const size = readVint(bytes, offset + id.length, false);
      const dataStart = offset + id.length + size.length;
      const dataEnd = size.unknown ? end : dataStart + size.value;
      if (dataEnd > bytes.length) throw new Error(`element 0x${id.value.toString(16)} at ${offset} runs past the end of the file`);
      const n = dataEnd - dataStart;
      switch (id.value) {
        case ID.DocType:
          out.docType = new TextDecoder().decode(bytes.subarray(dataStart, dataEnd));
          break;
        case ID.TimestampScale:
          out.timestampScale = uint(dataStart, n);
          break;
        case ID.Duration:
          out.duration = n === 4 ? view.getFloat32(dataStart) : view.getFloat64(dataStart);
          break;
        case ID.CodecID:
          out.codecId = new TextDecoder().decode(bytes.subarray(dataStart, dataEnd));
          break;
        case ID.PixelWidth:
          out.width = uint(dataStart, n);
          break;
        case ID.PixelHeight:
          out.height = uint(dataStart, n);
          break;
        case ID.Timestamp:
          clusterTime = uint(dataStart, n);
          break;
        case ID.SimpleBlock:
        case ID.Block: {
          const track = readVint(bytes, dataStart, false);
          const relative = view.getInt16(dataStart + track.length);
          const flags = bytes[dataStart + track.length + 2] ?? 0;
          blocks.push({ cluster: clusterTime, relative, key: id.value === ID.SimpleBlock && (flags & 0x80) !== 0 });
          break;
        }
        default:
          if (MASTERS.has(id.value)) walk(dataStart, dataEnd);
      }
      offset = dataEnd;
    }
  };
  walk(0, bytes.length);
  const unit = out.timestampScale / 1e9;
  return {
    docType: out.docType,
    timestampScale: out.timestampScale,
    durationS: out.duration * unit,
    codecId: out.codecId,
    width: out.width,
    height: out.height,
    blockTimes: blocks.map((b) => (b.cluster + b.relative) * unit),
    keyFrames: blocks.filter((b) => b.key).length,
  };
}
