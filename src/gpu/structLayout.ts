/**
 * Minimal WGSL struct reader for 4-byte scalar fields (u32, i32, f32): enough to check that a
 * TypeScript packer writes the fields of a uniform struct in the order, type and size the shader reads.
 */
export type WgslScalar = 'u32' | 'i32' | 'f32';

export interface WgslStructLayout {
  readonly fields: readonly { readonly name: string; readonly type: WgslScalar; readonly offset: number }[];
  /** SizeOf(S) in WGSL: every field is 4 bytes with alignment 4, so 4 × fields (also the array stride). */
  readonly size: number;
}

export function wgslStructLayout(source: string, structName: string): WgslStructLayout {
  const match = new RegExp(`struct\\s+${structName}\\s*\\{([^}]*)\\}`).exec(source);
  if (!match?.[1]) throw new Error(`struct ${structName} not found`);
  const fields = match[1]
    .split(/[,\n]/)
    .map((line) => line.replace(/\/\/.*$/, '').trim())
    .filter((line) => line.length > 0)
    .map((line, i) => {
      const field = /^(\w+)\s*:\s*(u32|i32|f32)$/.exec(line);
      if (!field?.[1] || !field[2]) throw new Error(`struct ${structName}: unsupported field "${line}"`);
      return { name: field[1], type: field[2] as WgslScalar, offset: 4 * i };
    });
  return { fields, size: 4 * fields.length };
}

/** Field names of a WGSL struct, in order. */
export function wgslStructFields(source: string, structName: string): string[] {
  return wgslStructLayout(source, structName).fields.map((f) => f.name);
}

/** Pack named 4-byte fields in the given order into an ArrayBuffer padded to 16 bytes. */
export function packStruct(
  fields: readonly string[],
  values: Readonly<Record<string, number>>,
  floatFields: ReadonlySet<string>,
): ArrayBuffer {
  const bytes = Math.ceil((fields.length * 4) / 16) * 16;
  const buffer = new ArrayBuffer(bytes);
  const view = new DataView(buffer);
  fields.forEach((name, i) => {
    const v = values[name];
    if (v === undefined) throw new Error(`missing struct field ${name}`);
    if (floatFields.has(name)) view.setFloat32(i * 4, v, true);
    else view.setUint32(i * 4, v >>> 0, true);
  });
  return buffer;
}
