import { type BufferGeometry, LineSegments, type Material, Mesh, MeshStandardMaterial, SphereGeometry } from 'three';
import { describe, expect, it } from 'vitest';
import { BOX_HEIGHT } from '../../src/view/axes';
import { GridMarker } from '../../src/view/gridMarker';

function parts(marker: GridMarker): { sphere: Mesh; stem: LineSegments } {
  const [sphere, stem] = marker.group.children;
  if (!(sphere instanceof Mesh) || !(stem instanceof LineSegments)) throw new Error('a marker is a sphere, then a stem');
  // three's instanceof narrows to Mesh<any, …>; name the geometry and material types the marker uses.
  return { sphere: sphere as Mesh<BufferGeometry, Material>, stem: stem as LineSegments<BufferGeometry, Material> };
}

describe('GridMarker', () => {
  it('is hidden until placed, then has its sphere on the point and its stem up past the box', () => {
    const marker = new GridMarker({ color: 0xff4f6a, stemAbove: 0.14 });
    expect(marker.group.visible).toBe(false);
    marker.place(0.25, 0.5, -0.75);
    expect(marker.group.visible).toBe(true);
    const { sphere, stem } = parts(marker);
    expect(sphere.position.toArray()).toEqual([0.25, 0.5, -0.75]);
    const ends = Array.from(stem.geometry.getAttribute('position').array);
    expect(ends.slice(0, 3)).toEqual([0.25, 0.5, -0.75]);
    expect(ends[3]).toBe(0.25);
    expect(ends[4]).toBeCloseTo(BOX_HEIGHT + 0.14, 6);
    expect(ends[5]).toBe(-0.75);
    marker.place(0, 0, 0, false);
    expect(marker.group.visible).toBe(false);
    marker.dispose();
    marker.dispose();
  });

  it('takes its size, tessellation and glow from the options, with the old defaults', () => {
    const plain = parts(new GridMarker({ color: 0x5ce1ff })).sphere;
    const centre = parts(new GridMarker({ color: 0xff4f6a, radius: 0.036, sphereSegments: [24, 16], emissiveIntensity: 0.35 })).sphere;
    for (const [sphere, radius, w, h, glow] of [
      [plain, 0.03, 20, 14, 0.4],
      [centre, 0.036, 24, 16, 0.35],
    ] as const) {
      if (!(sphere.geometry instanceof SphereGeometry) || !(sphere.material instanceof MeshStandardMaterial))
        throw new Error('not a lit sphere');
      expect(sphere.geometry.parameters).toMatchObject({ radius, widthSegments: w, heightSegments: h });
      expect(sphere.material.emissiveIntensity).toBe(glow);
    }
  });

  it('has no stem when stemAbove is 0', () => {
    expect(parts(new GridMarker({ color: 0xffffff, stemAbove: 0 })).stem.visible).toBe(false);
  });
});
