/**
 * VTK XML PolyData (`.vtp`) for ParaView: points (α, β, z) with z = the loss (non-finite points
 * at the largest finite loss), the loss and accuracy as point data, two triangles per grid cell.
 * `encoding: 'ascii'` writes plain numbers; 'binary' writes base64 blocks with a UInt32 byte
 * count header (VTK's inline binary format).
 */
import type { Surface } from '../landscape/surface';

export type VtpEncoding = 'ascii' | 'binary';

export function surfaceToVtp(surface: Surface, encoding: VtpEncoding = 'ascii'): string {
  const nx = surface.alphas.length;
  const ny = surface.betas.length;
  const count = nx * ny;
  const points = new Float32Array(count * 3);
  const top = Number.isFinite(surface.max) ? surface.max : 0;
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) {
      const i = iy * nx + ix;
      const v = surface.loss[i] ?? NaN;
      points.set([surface.alphas[ix] ?? 0, surface.betas[iy] ?? 0, Number.isFinite(v) ? v : top], i * 3);
    }
  }
  const cells = (nx - 1) * (ny - 1) * 2;
  const connectivity = new Int32Array(cells * 3);
  const offsets = new Int32Array(cells);
  let k = 0;
  for (let iy = 0; iy + 1 < ny; iy++) {
    for (let ix = 0; ix + 1 < nx; ix++) {
      const a = iy * nx + ix;
      connectivity.set([a, a + 1, a + nx + 1, a, a + nx + 1, a + nx], k * 3);
      offsets[k] = k * 3 + 3;
      offsets[k + 1] = k * 3 + 6;
      k += 2;
    }
  }
  const array = (type: string, name: string, components: number, data: Float32Array | Int32Array): string => {
    const attrs = `type="${type}" Name="${name}"${components > 1 ? ` NumberOfComponents="${components}"` : ''} format="${encoding}"`;
    return `        <DataArray ${attrs}>\n          ${encoding === 'ascii' ? asciiValues(data) : base64Block(data)}\n        </DataArray>`;
  };
  const pointData = [array('Float32', 'loss', 1, surface.loss.subarray(0, count))];
  if (surface.accuracy !== undefined) pointData.push(array('Float32', 'accuracy', 1, surface.accuracy.subarray(0, count)));
  return [
    '<?xml version="1.0"?>',
    '<VTKFile type="PolyData" version="1.0" byte_order="LittleEndian" header_type="UInt32">',
    '  <PolyData>',
    `    <Piece NumberOfPoints="${count}" NumberOfVerts="0" NumberOfLines="0" NumberOfStrips="0" NumberOfPolys="${cells}">`,
    '      <PointData Scalars="loss">',
    ...pointData,
    '      </PointData>',
    '      <Points>',
    array('Float32', 'Points', 3, points),
    '      </Points>',
    '      <Polys>',
    array('Int32', 'connectivity', 1, connectivity),
    array('Int32', 'offsets', 1, offsets),
    '      </Polys>',
    '    </Piece>',
    '  </PolyData>',
    '</VTKFile>',
    '',
  ].join('\n');
}

function asciiValues(data: Float32Array | Int32Array): string {
  const parts: string[] = [];
  // VTK's ASCII reader takes "nan" and "inf".
  for (const v of data) parts.push(Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v));
  return parts.join(' ');
}

function base64Block(data: Float32Array | Int32Array): string {
  const bytes = new Uint8Array(4 + data.byteLength);
  new DataView(bytes.buffer).setUint32(0, data.byteLength, true);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 4);
  return toBase64(bytes);
}

export function toBase64(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    const n = (a << 16) | (b << 8) | c;
    out += alphabet[(n >> 18) & 63] ?? '';
    out += alphabet[(n >> 12) & 63] ?? '';
    out += i + 1 < bytes.length ? (alphabet[(n >> 6) & 63] ?? '') : '=';
    out += i + 2 < bytes.length ? (alphabet[n & 63] ?? '') : '=';
  }
  return out;
}
