import activationsWgsl from '../../shaders/lib/activations.wgsl?raw';
import lossesWgsl from '../../shaders/lib/losses.wgsl?raw';

/** Library files joined in front of an entry shader (they hold functions only, no bindings). */
export const WGSL_LIBRARY = [activationsWgsl, lossesWgsl].join('\n');

/**
 * Replace the value of a module-scope `const NAME: u32 = …;` (private array sizes must be
 * constants, not overrides). Throws when the constant is missing, so the two cannot drift.
 */
export function specializeConst(source: string, name: string, value: number): string {
  const pattern = new RegExp(`const ${name}: u32 = [0-9]+u;`);
  if (!pattern.test(source)) throw new Error(`shader has no "const ${name}: u32" to specialise`);
  return source.replace(pattern, `const ${name}: u32 = ${Math.max(1, Math.floor(value))}u;`);
}

export function withLibrary(entry: string): string {
  return `${WGSL_LIBRARY}\n${entry}`;
}
