/** The SIMD CPU engine, compiled by the vite plugin (vite.config.ts): base64 of each variant's .wasm. */
declare module 'virtual:cpu-engine-wasm' {
  export const shared: string;
  export const single: string;
}
