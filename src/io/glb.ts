/**
 * Binary glTF 2.0 (`.glb`) of the coloured surface mesh: POSITION, NORMAL, COLOR_0 (linear RGB,
 * as glTF requires) and uint32 indices, one double-sided matte material. Y is up: x = α/span,
 * y = height, z = −β/span, the same box as the 3-D view.
 */

export interface MeshInput {
  readonly nx: number;
  readonly ny: number;
  readonly alphas: ArrayLike<number>;
  readonly betas: ArrayLike<number>;
  /** Half width of the box in α and β units (coordinates are divided by it). */
  readonly span: number;
  /** Height of each grid point in [0, 1], index iy*nx+ix. */
  readonly heights: Float32Array;
  /** Linear-light RGB per grid point (3 per point). */
  readonly colors: Float32Array;
  /** Box height in the same units as x and z (the view uses 0.8 for a box of width 2). */
  readonly heightScale: number;
}

const GLB_MAGIC = 0x46546c67;
const CHUNK_JSON = 0x4e4f534a;
const CHUNK_BIN = 0x004e4942;

export function meshToGlb(mesh: MeshInput): Uint8Array {
  const { nx, ny } = mesh;
  const count = nx * ny;
  const span = mesh.span > 0 ? mesh.span : 1;
  const positions = new Float32Array(count * 3);
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) {
      const i = iy * nx + ix;
      positions[i * 3] = (mesh.alphas[ix] ?? 0) / span;
      positions[i * 3 + 1] = (mesh.heights[i] ?? 1) * mesh.heightScale;
      positions[i * 3 + 2] = -(mesh.betas[iy] ?? 0) / span;
    }
  }
  const indices = new Uint32Array((nx - 1) * (ny - 1) * 6);
  let k = 0;
  for (let iy = 0; iy + 1 < ny; iy++) {
    for (let ix = 0; ix + 1 < nx; ix++) {
      const a = iy * nx + ix;
      // Counter-clockwise seen from above (+y) with z = −β.
      indices.set([a, a + 1, a + nx + 1, a, a + nx + 1, a + nx], k);
      k += 6;
    }
  }
  const normals = vertexNormals(positions, indices);
  const colors = mesh.colors.subarray(0, count * 3);
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < 3; c++) {
      const v = positions[i * 3 + c] ?? 0;
      min[c] = Math.min(min[c] ?? v, v);
      max[c] = Math.max(max[c] ?? v, v);
    }
  }
  const views = [positions, normals, colors, indices];
  const byteOffsets: number[] = [];
  let binLength = 0;
  for (const v of views) {
    byteOffsets.push(binLength);
    binLength += v.byteLength;
  }
  const json = {
    asset: { version: '2.0', generator: 'loss-landscape-explorer' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0, name: 'loss surface' }],
    meshes: [
      { name: 'loss surface', primitives: [{ attributes: { POSITION: 0, NORMAL: 1, COLOR_0: 2 }, indices: 3, material: 0, mode: 4 }] },
    ],
    materials: [
      {
        name: 'surface',
        doubleSided: true,
        pbrMetallicRoughness: { baseColorFactor: [1, 1, 1, 1], metallicFactor: 0, roughnessFactor: 0.9 },
      },
    ],
    buffers: [{ byteLength: binLength }],
    bufferViews: views.map((v, i) => ({
      buffer: 0,
      byteOffset: byteOffsets[i] ?? 0,
      byteLength: v.byteLength,
      target: i === 3 ? 34963 : 34962,
    })),
    accessors: [
      { bufferView: 0, componentType: 5126, count, type: 'VEC3', min, max },
      { bufferView: 1, componentType: 5126, count, type: 'VEC3' },
      { bufferView: 2, componentType: 5126, count, type: 'VEC3' },
      { bufferView: 3, componentType: 5125, count: indices.length, type: 'SCALAR' },
    ],
  };
  const jsonBytes = new TextEncoder().encode(JSON.stringify(json));
  const jsonPadded = align4(jsonBytes.length);
  const binPadded = align4(binLength);
  const total = 12 + 8 + jsonPadded + 8 + binPadded;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, GLB_MAGIC, true);
  dv.setUint32(4, 2, true);
  dv.setUint32(8, total, true);
  dv.setUint32(12, jsonPadded, true);
  dv.setUint32(16, CHUNK_JSON, true);
  out.set(jsonBytes, 20);
  out.fill(0x20, 20 + jsonBytes.length, 20 + jsonPadded);
  const binStart = 20 + jsonPadded;
  dv.setUint32(binStart, binPadded, true);
  dv.setUint32(binStart + 4, CHUNK_BIN, true);
  for (let i = 0; i < views.length; i++) {
    const v = views[i];
    if (v === undefined) continue;
    out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), binStart + 8 + (byteOffsets[i] ?? 0));
  }
  return out;
}

function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

function vertexNormals(positions: Float32Array, indices: Uint32Array): Float32Array {
  const normals = new Float32Array(positions.length);
  const p = (i: number, c: number): number => positions[i * 3 + c] ?? 0;
  for (let t = 0; t + 2 < indices.length; t += 3) {
    const a = indices[t] ?? 0;
    const b = indices[t + 1] ?? 0;
    const c = indices[t + 2] ?? 0;
    const ux = p(b, 0) - p(a, 0),
      uy = p(b, 1) - p(a, 1),
      uz = p(b, 2) - p(a, 2);
    const vx = p(c, 0) - p(a, 0),
      vy = p(c, 1) - p(a, 1),
      vz = p(c, 2) - p(a, 2);
    const n = [uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx];
    for (const v of [a, b, c]) for (let k = 0; k < 3; k++) normals[v * 3 + k] = (normals[v * 3 + k] ?? 0) + (n[k] ?? 0);
  }
  for (let i = 0; i < normals.length; i += 3) {
    const x = normals[i] ?? 0,
      y = normals[i + 1] ?? 0,
      z = normals[i + 2] ?? 0;
    const len = Math.hypot(x, y, z);
    if (len > 0) normals.set([x / len, y / len, z / len], i);
    else normals.set([0, 1, 0], i);
  }
  return normals;
}
