import type { MeshStandardMaterial } from 'three';

/**
 * Uniforms of the water-level shading. The values are read every frame, so moving the level
 * costs one uniform write: no recompilation, no new geometry.
 */
export interface WaterUniforms {
  /** Water level in the view's unit scale (0 = bottom of the box, 1 = top; may be outside). */
  readonly uLevel: { value: number };
  /** 1 when the water level is shown, else 0. */
  readonly uWater: { value: number };
  /** 1 when components are painted in their own colours, else 0. */
  readonly uComponents: { value: number };
}

export function waterUniforms(): WaterUniforms {
  return { uLevel: { value: 0 }, uWater: { value: 0 }, uComponents: { value: 0 } };
}

const VERTEX_DECLARATIONS = /* glsl */ `
attribute float aUnit;
attribute vec3 aComp;
varying float vUnit;
varying vec3 vComp;`;

const FRAGMENT_DECLARATIONS = /* glsl */ `
uniform float uLevel;
uniform float uWater;
uniform float uComponents;
varying float vUnit;
varying vec3 vComp;`;

// Below the level: the colormap, or the component colour. Above: the colormap greyed and dimmed,
// so the sublevel set stands out. The shore is a thin bright line one pixel or so wide, exact
// wherever the mesh's own interpolation of the loss crosses the level.
const FRAGMENT_WATER = /* glsl */ `
if (uWater > 0.5) {
  vec3 base = diffuseColor.rgb;
  float grey = dot(base, vec3(0.2126, 0.7152, 0.0722));
  vec3 dry = mix(base, vec3(grey), 0.55) * 0.62;
  vec3 wet = uComponents > 0.5 ? vComp : base;
  diffuseColor.rgb = vUnit < uLevel ? wet : dry;
  float width = max(fwidth(vUnit), 1e-6);
  float shore = 1.0 - smoothstep(0.6 * width, 1.6 * width, abs(vUnit - uLevel));
  diffuseColor.rgb = mix(diffuseColor.rgb, vec3(0.92, 0.97, 1.0), shore * 0.9);
}`;

/**
 * Teach a MeshStandardMaterial the water level: per vertex it reads `aUnit` (the loss in the
 * view's unit scale, not clipped; huge for Inf/NaN) and `aComp` (linear RGB of the vertex's
 * component, or of a neighbouring one just above the level so shore triangles stay one colour).
 */
export function patchWaterMaterial(material: MeshStandardMaterial, uniforms: WaterUniforms): void {
  material.onBeforeCompile = (shader) => {
    Object.assign(shader.uniforms, uniforms);
    shader.vertexShader = shader.vertexShader
      .replace('#include <common>', `#include <common>${VERTEX_DECLARATIONS}`)
      .replace('#include <begin_vertex>', '#include <begin_vertex>\nvUnit = aUnit;\nvComp = aComp;');
    shader.fragmentShader = shader.fragmentShader
      .replace('#include <common>', `#include <common>${FRAGMENT_DECLARATIONS}`)
      .replace('#include <color_fragment>', `#include <color_fragment>${FRAGMENT_WATER}`);
  };
  material.customProgramCacheKey = () => 'loss-surface-water-1';
}
