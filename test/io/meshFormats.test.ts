/** .vtp and .glb validated structurally: the XML tree and its arrays, the GLB header and chunks. */
import { describe, expect, it } from 'vitest';
import { meshToGlb } from '../../src/io/glb';
import { surfaceToVtp } from '../../src/io/vtp';
import { makeSurface } from './fixtures';

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** A strict little XML reader: balanced tags, quoted attributes, text content. Throws on error. */
function parseXml(text: string): XmlNode {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    const top = stack[stack.length - 1];
    if (top === undefined) throw new Error('unbalanced');
    const between = body.slice(last, m.index);
    if (/[<>]/.test(between)) throw new Error(`stray markup near ${m.index}`);
    top.text += between;
    last = tag.lastIndex;
    const [, close, name = '', attrText = '', selfClose] = m;
    if (close === '/') {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(/([\w:.-]+)="([^"]*)"/g)) attrs[a[1] ?? ''] = a[2] ?? '';
    const node: XmlNode = { name, attrs, children: [], text: '' };
    top.children.push(node);
    if (selfClose !== '/') stack.push(node);
  }
  if (stack.length !== 1 || body.slice(last).trim() !== '') throw new Error('unclosed elements');
  const only = root.children[0];
  if (only === undefined || root.children.length !== 1) throw new Error('one root element expected');
  return only;
}

function find(node: XmlNode, name: string, attr?: [string, string]): XmlNode {
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    if (n === undefined) break;
    if (n.name === name && (attr === undefined || n.attrs[attr[0]] === attr[1])) return n;
    stack.push(...n.children);
  }
  throw new Error(`no <${name}>`);
}

function arrayValues(node: XmlNode): number[] {
  const text = node.text.trim();
  if (node.attrs['format'] === 'ascii') return text.split(/\s+/).map((t) => (t === 'nan' ? NaN : Number(t)));
  const bytes = Uint8Array.from(Buffer.from(text, 'base64'));
  const length = new DataView(bytes.buffer).getUint32(0, true);
  expect(length).toBe(bytes.length - 4);
  const body = bytes.slice(4);
  return Array.from(node.attrs['type'] === 'Int32' ? new Int32Array(body.buffer) : new Float32Array(body.buffer));
}

describe('vtp (VTK XML PolyData)', () => {
  for (const encoding of ['ascii', 'binary'] as const) {
    it(`is well-formed with consistent points, point data and triangles (${encoding})`, () => {
      const nx = 5;
      const ny = 3;
      const surface = makeSurface(nx, ny, { accuracy: true, holes: true });
      const root = parseXml(surfaceToVtp(surface, encoding));
      expect(root.name).toBe('VTKFile');
      expect(root.attrs['type']).toBe('PolyData');
      const piece = find(root, 'Piece');
      const points = Number(piece.attrs['NumberOfPoints']);
      const polys = Number(piece.attrs['NumberOfPolys']);
      expect(points).toBe(nx * ny);
      expect(polys).toBe((nx - 1) * (ny - 1) * 2);
      const xyz = arrayValues(find(find(root, 'Points'), 'DataArray'));
      expect(xyz).toHaveLength(points * 3);
      // Point (ix=3, iy=2): α, β, loss.
      const i = 2 * nx + 3;
      expect(xyz[i * 3]).toBeCloseTo(surface.alphas[3] ?? NaN, 6);
      expect(xyz[i * 3 + 1]).toBeCloseTo(surface.betas[2] ?? NaN, 6);
      expect(xyz[i * 3 + 2]).toBeCloseTo(surface.loss[i] ?? NaN, 5);
      expect(xyz.every(Number.isFinite)).toBe(true);
      const loss = arrayValues(find(root, 'DataArray', ['Name', 'loss']));
      expect(loss).toHaveLength(points);
      expect(Number.isNaN(loss[1])).toBe(true);
      expect(arrayValues(find(root, 'DataArray', ['Name', 'accuracy']))).toHaveLength(points);
      const connectivity = arrayValues(find(root, 'DataArray', ['Name', 'connectivity']));
      const offsets = arrayValues(find(root, 'DataArray', ['Name', 'offsets']));
      expect(connectivity).toHaveLength(polys * 3);
      expect(offsets).toHaveLength(polys);
      expect(offsets[offsets.length - 1]).toBe(connectivity.length);
      expect(Math.max(...connectivity)).toBe(points - 1);
      expect(Math.min(...connectivity)).toBe(0);
    });
  }
});

describe('glb (binary glTF 2.0)', () => {
  it('has a valid header, JSON and BIN chunks, and accessors that fit the buffer', () => {
    const nx = 6;
    const ny = 4;
    const surface = makeSurface(nx, ny);
    const heights = surface.loss.map((v) => (v - surface.min) / (surface.max - surface.min));
    const colors = new Float32Array(nx * ny * 3).fill(0.5);
    const glb = meshToGlb({ nx, ny, alphas: surface.alphas, betas: surface.betas, span: 1, heights, colors, heightScale: 0.8 });
    const dv = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
    expect(dv.getUint32(0, true)).toBe(0x46546c67);
    expect(dv.getUint32(4, true)).toBe(2);
    expect(dv.getUint32(8, true)).toBe(glb.length);
    const jsonLength = dv.getUint32(12, true);
    expect(dv.getUint32(16, true)).toBe(0x4e4f534a);
    expect(jsonLength % 4).toBe(0);
    const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + jsonLength))) as {
      asset: { version: string };
      meshes: { primitives: { attributes: Record<string, number>; indices: number }[] }[];
      accessors: { bufferView: number; componentType: number; count: number; type: string; min?: number[]; max?: number[] }[];
      bufferViews: { byteOffset: number; byteLength: number }[];
      buffers: { byteLength: number }[];
    };
    expect(json.asset.version).toBe('2.0');
    const binHeader = 20 + jsonLength;
    const binLength = dv.getUint32(binHeader, true);
    expect(dv.getUint32(binHeader + 4, true)).toBe(0x004e4942);
    expect(binHeader + 8 + binLength).toBe(glb.length);
    expect(json.buffers[0]?.byteLength).toBeLessThanOrEqual(binLength);
    const primitive = json.meshes[0]?.primitives[0];
    if (primitive === undefined) throw new Error('no primitive');
    expect(Object.keys(primitive.attributes).sort()).toEqual(['COLOR_0', 'NORMAL', 'POSITION']);
    const size = { VEC3: 3, SCALAR: 1 } as Record<string, number>;
    const bytesPer = { 5126: 4, 5125: 4 } as Record<number, number>;
    for (const accessor of json.accessors) {
      const view = json.bufferViews[accessor.bufferView];
      if (view === undefined) throw new Error('accessor without a view');
      expect(accessor.count * (size[accessor.type] ?? 0) * (bytesPer[accessor.componentType] ?? 0)).toBe(view.byteLength);
      expect(view.byteOffset + view.byteLength).toBeLessThanOrEqual(binLength);
    }
    for (const name of ['POSITION', 'NORMAL', 'COLOR_0']) expect(json.accessors[primitive.attributes[name] ?? -1]?.count).toBe(nx * ny);
    const indexAccessor = json.accessors[primitive.indices];
    expect(indexAccessor?.count).toBe((nx - 1) * (ny - 1) * 6);
    const indexView = json.bufferViews[indexAccessor?.bufferView ?? -1];
    const indices = new Uint32Array(
      glb.slice(binHeader + 8 + (indexView?.byteOffset ?? 0), binHeader + 8 + (indexView?.byteOffset ?? 0) + (indexView?.byteLength ?? 0))
        .buffer,
    );
    expect(Math.max(...indices)).toBe(nx * ny - 1);
    const position = json.accessors[primitive.attributes['POSITION'] ?? -1];
    expect(position?.min?.[1]).toBeCloseTo(0, 6);
    expect(position?.max?.[1]).toBeCloseTo(0.8, 6);
    // Normals are unit length and point up on this bowl.
    const normalView = json.bufferViews[json.accessors[primitive.attributes['NORMAL'] ?? -1]?.bufferView ?? -1];
    const normals = new Float32Array(
      glb.slice(
        binHeader + 8 + (normalView?.byteOffset ?? 0),
        binHeader + 8 + (normalView?.byteOffset ?? 0) + (normalView?.byteLength ?? 0),
      ).buffer,
    );
    for (let i = 0; i < normals.length; i += 3) {
      expect(Math.hypot(normals[i] ?? 0, normals[i + 1] ?? 0, normals[i + 2] ?? 0)).toBeCloseTo(1, 5);
      expect(normals[i + 1] ?? 0).toBeGreaterThan(0);
    }
  });
});

describe('glb read back by an independent glTF reader (three.js GLTFLoader)', () => {
  it('has one mesh with every grid point where the view puts it, its colours, and two triangles per cell', async () => {
    const { GLTFLoader } = await import('three/examples/jsm/loaders/GLTFLoader.js');
    const nx = 7;
    const ny = 5;
    const surface = makeSurface(nx, ny);
    const span = 2;
    const heights = surface.loss.map((v) => (v - surface.min) / (surface.max - surface.min));
    const colors = Float32Array.from({ length: nx * ny * 3 }, (_, i) => ((i * 37) % 100) / 100);
    const glb = meshToGlb({ nx, ny, alphas: surface.alphas, betas: surface.betas, span, heights, colors, heightScale: 0.8 });
    const gltf = await new GLTFLoader().parseAsync(glb.buffer.slice(glb.byteOffset, glb.byteOffset + glb.byteLength) as ArrayBuffer, '');
    const meshes: {
      geometry: {
        attributes: Record<string, { count: number; getX(i: number): number; getY(i: number): number; getZ(i: number): number }>;
        index: { count: number } | null;
      };
    }[] = [];
    gltf.scene.traverse((o) => {
      if ((o as { isMesh?: boolean }).isMesh) meshes.push(o as unknown as (typeof meshes)[number]);
    });
    expect(meshes.length).toBe(1);
    const geometry = meshes[0]?.geometry;
    if (!geometry) throw new Error('no mesh');
    const position = geometry.attributes['position'];
    const color = geometry.attributes['color'];
    if (!position || !color) throw new Error('position or colour missing');
    expect(position.count).toBe(nx * ny);
    expect(geometry.index?.count).toBe(6 * (nx - 1) * (ny - 1));
    for (let iy = 0; iy < ny; iy++) {
      for (let ix = 0; ix < nx; ix++) {
        const i = iy * nx + ix;
        expect(position.getX(i)).toBeCloseTo((surface.alphas[ix] ?? NaN) / span, 5);
        expect(position.getY(i)).toBeCloseTo((heights[i] ?? NaN) * 0.8, 5);
        expect(position.getZ(i)).toBeCloseTo(-(surface.betas[iy] ?? NaN) / span, 5);
        expect(color.getX(i)).toBeCloseTo(colors[3 * i] ?? NaN, 5);
        expect(color.getZ(i)).toBeCloseTo(colors[3 * i + 2] ?? NaN, 5);
      }
    }
  });
});
