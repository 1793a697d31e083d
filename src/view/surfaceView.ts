import {
  BufferAttribute,
  BufferGeometry,
  Color,
  DirectionalLight,
  DoubleSide,
  Group,
  HemisphereLight,
  Mesh,
  MeshStandardMaterial,
  PerspectiveCamera,
  Raycaster,
  Scene,
  Vector2,
  Vector3,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { gridRows, type Surface } from '../landscape/surface';
import type { ColormapName } from '../state/appState';
import { Axes, BOX_HALF_WIDTH, BOX_HEIGHT } from './axes';
import type { CameraPose, CameraPresetName } from './camera';
import {
  BASE_FOV,
  CAMERA_PRESETS,
  FIT_DISTANCE,
  MAX_DISTANCE,
  MIN_DISTANCE,
  clampPose,
  fitDistance,
  projectedExtent,
  fovForAspect,
  offsetToPose,
  poseToOffset,
} from './camera';
import { ColorBar } from './colorBar';
import { colormap, nonFiniteColor } from './colormaps';
import type { LossScale } from './heights';
import { interpolateGrid, surfaceHeights } from './heights';
import { GridMarker } from './gridMarker';
import { toLinear } from './linearColor';
import { SublevelLayer, componentVertexColors, gridHeight, gridToBox } from './sublevelLayer';
import { declutterLabels, labelRects, sizeLabels, type LabelRect } from './textSprite';
import { patchWaterMaterial, waterUniforms } from './waterMaterial';

export interface SurfaceViewOptions {
  readonly logScale: boolean;
  /** Loss at the top of the box; higher values are clipped flat. 0 = the surface's maximum. */
  readonly zClip: number;
  readonly colormap: ColormapName;
  /** Marker at θ₀ (α = β = 0); shown unless false. */
  readonly showMarker?: boolean;
  /**
   * The losses the colours and heights span (compare mode: both surfaces, so two views share one scale);
   * absent: this surface's own minimum and maximum.
   */
  readonly scaleRange?: { readonly min: number; readonly max: number };
}

/** What the view shows of the sublevel set {L < level}. */
export interface SublevelDisplay {
  /** Shade the region below `level` and show the water plane. */
  readonly water: boolean;
  /** Water level E, loss units. */
  readonly level: number;
  readonly colourComponents: boolean;
  /** Per grid point, the component (≥ 0) or −1 above the level; null when not labelled. */
  readonly labels: Int32Array | null;
  /** Per component, its palette index (the birth-order index of its deepest minimum). */
  readonly elder: Int32Array | null;
}

/** Grid points to mark on the surface; null hides a marker. */
export interface SurfacePoints {
  /** The slice's global minimum. */
  readonly minimum: number | null;
  /** A minimum picked in the persistence chart. */
  readonly highlight: number | null;
  /** The point hovered in the other (2-D) view. */
  readonly hover: number | null;
}

/** A rectangle on the page, CSS pixels (client coordinates). */
export interface ScreenRect {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** Where the view draws things on the page: for layout checks (`landscape.viewLayout()`). */
export interface ViewLayout {
  /** The 3-D canvas. */
  readonly canvas: ScreenRect;
  /** The bounding rectangle of the loss box's eight corners as projected now. */
  readonly box: ScreenRect;
  /** The visible 3-D labels' text boxes and their size on screen. */
  readonly labels: readonly LabelRect[];
  /** Where the hover marker is drawn (null: no point hovered). */
  readonly hover: { readonly x: number; readonly y: number } | null;
}

/** Vertex `aUnit` of a non-finite loss: above every water level. */
const NON_FINITE_UNIT = 1e6;

/** The grid point under a screen position. */
export interface SurfacePick {
  readonly ix: number;
  readonly iy: number;
  readonly alpha: number;
  readonly beta: number;
  readonly loss: number;
}

export const BACKGROUND_COLOR = '#101318';
/** The orbit target: the middle of the loss box, a little low so the top has room for labels. */
const TARGET = new Vector3(0, BOX_HEIGHT * 0.3, 0);
/**
 * What the camera frames (offsets from TARGET): the box widened by the room its axis labels take, which
 * stand outside the floor's edges and above the loss axis.
 */
const FRAME_POINTS: readonly (readonly [number, number, number])[] = [-1.15, 1.15].flatMap((x) =>
  [-0.06, BOX_HEIGHT + 0.1].flatMap((y) => [-1.15, 1.15].map((z) => [x * BOX_HALF_WIDTH, y - TARGET.y, z * BOX_HALF_WIDTH] as const)),
);
/** How far the framed points may reach toward the view's edges (1 = the edge). */
const FRAME_MARGIN = 0.92;
const LUT_SIZE = 256;

/**
 * A three.js view of a loss surface: a lit, colormapped mesh in a fixed box (α along x, β along
 * −z, loss up), labelled axes, a colour bar and a marker at θ₀. It draws on demand: a frame is
 * rendered only while the orbit controls move or after something changed.
 */
export class SurfaceView {
  readonly canvas: HTMLCanvasElement;
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(BASE_FOV, 1, 0.05, 100);
  private readonly controls: OrbitControls;
  private readonly material = new MeshStandardMaterial({
    vertexColors: true,
    side: DoubleSide,
    roughness: 0.9,
    metalness: 0,
    // Pushed back a little so that isolines on the surface are not hidden by it.
    polygonOffset: true,
    polygonOffsetFactor: 1,
    polygonOffsetUnits: 1,
  });
  private readonly water = waterUniforms();
  private readonly sublevelLayer = new SublevelLayer();
  private readonly minimumMarker = new GridMarker({ color: 0x5ce1ff, label: 'min', stemAbove: 0.1 });
  private readonly highlightMarker = new GridMarker({ color: 0xffa94d, radius: 0.034, stemAbove: 0.06 });
  private readonly hoverMarker = new GridMarker({ color: 0xffffff, radius: 0.03, emissiveIntensity: 0.8, stemAbove: 0.04 });
  private heights: Float32Array = new Float32Array(0);
  private currentScale: LossScale | null = null;
  private sublevel: SublevelDisplay = { water: false, level: 0, colourComponents: false, labels: null, elder: null };
  private contourLevels: readonly number[] = [];
  private points: SurfacePoints = { minimum: null, highlight: null, hover: null };
  private readonly axes = new Axes();
  /** Extra scene content drawn with the surface (e.g. paths between minima); owned by whoever adds it. */
  readonly overlays = new Group();
  /** θ₀ (α = β = 0), larger than the other markers and with a taller stem, so it stays visible over any hill in front of it. */
  private readonly centerMarker = new GridMarker({
    color: 0xff4f6a,
    radius: 0.036,
    sphereSegments: [24, 16],
    emissiveIntensity: 0.35,
    label: 'θ₀',
    labelColor: '#ff8a9b',
    labelPx: 15,
    stemAbove: 0.14,
  });
  private readonly colorBar: ColorBar;
  private readonly resizeObserver: ResizeObserver | null;
  private readonly raycaster = new Raycaster();
  private mesh: Mesh<BufferGeometry, MeshStandardMaterial> | null = null;
  private surface: Surface | null = null;
  private options: SurfaceViewOptions = { logScale: false, zClip: 0, colormap: 'viridis' };
  private frameHandle = 0;
  /** True while setCamera places the camera: its 'change' events are not the user's. */
  private placing = false;
  private disposed = false;
  /** The canvas's size in CSS pixels (0 before the first resize). */
  private width = 0;
  private height = 0;
  /** The part of the canvas the box is framed in: all of it but the colour bar's corner. */
  private area: FrameArea = { left: 0, top: 0, width: 1, height: 1 };

  constructor(container: HTMLElement, options: { preserveDrawingBuffer?: boolean; colorBar?: boolean } = {}) {
    this.renderer = new WebGLRenderer({ antialias: true, preserveDrawingBuffer: options.preserveDrawingBuffer ?? false });
    this.renderer.setPixelRatio(Math.min(globalThis.devicePixelRatio || 1, 2));
    this.renderer.setClearColor(new Color(BACKGROUND_COLOR), 1);
    this.canvas = this.renderer.domElement;
    Object.assign(this.canvas.style, { display: 'block', width: '100%', height: '100%', touchAction: 'none' });
    const view = container.ownerDocument.defaultView;
    if (view !== null && view.getComputedStyle(container).position === 'static') container.style.position = 'relative';
    container.append(this.canvas);
    this.colorBar = new ColorBar(container);
    // A view without its own bar (compare mode's second view) frames the box in the whole canvas.
    if (options.colorBar === false) this.colorBar.element.style.display = 'none';

    this.scene.add(new HemisphereLight(0xf2f4ff, 0x3a3f4a, 2.2));
    const sun = new DirectionalLight(0xffffff, 1.7);
    sun.position.set(2.5, 5, 3.5);
    this.scene.add(sun);
    this.scene.add(this.axes.group, this.centerMarker.group, this.sublevelLayer.group, this.overlays);
    this.scene.add(this.minimumMarker.group, this.highlightMarker.group, this.hoverMarker.group);
    patchWaterMaterial(this.material, this.water);

    this.controls = new OrbitControls(this.camera, this.canvas);
    this.controls.enableDamping = true;
    this.controls.dampingFactor = 0.1;
    this.controls.minDistance = MIN_DISTANCE;
    this.controls.maxDistance = MAX_DISTANCE;
    this.controls.target.copy(TARGET);
    this.controls.addEventListener('change', this.requestRender);
    this.controls.addEventListener('change', this.frame);
    this.setCamera(CAMERA_PRESETS.default);

    this.resizeObserver = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this.resize());
    this.resizeObserver?.observe(container);
    // The box is framed beside or below the colour bar, so a change of the bar's size reframes it.
    this.resizeObserver?.observe(this.colorBar.element);
    this.resize();
  }

  /** Show a new surface. The mesh is rebuilt when the grid size changes, updated in place otherwise. */
  setSurface(surface: Surface, opts: SurfaceViewOptions): void {
    if (this.disposed) return;
    const sameGrid = this.surface !== null && this.surface.gridSize === surface.gridSize && gridRows(this.surface) === gridRows(surface);
    if (this.mesh === null || !sameGrid) this.rebuildMesh(surface.gridSize, gridRows(surface));
    this.surface = surface;
    this.options = opts;
    this.updateSurface();
  }

  setOptions(opts: SurfaceViewOptions): void {
    if (this.disposed) return;
    this.options = opts;
    this.updateSurface();
  }

  /** The loss scale of the surface on screen (null before the first surface). */
  get scale(): LossScale | null {
    return this.currentScale;
  }

  /** Water level, component colours: a uniform write plus, with colours, one attribute upload. */
  setSublevel(display: SublevelDisplay): void {
    if (this.disposed) return;
    this.sublevel = display;
    this.applySublevel();
  }

  /** Isolines at these loss levels (recomputed here, so call it only when they change). */
  setContours(levels: readonly number[]): void {
    if (this.disposed) return;
    this.contourLevels = [...levels];
    const surface = this.surface;
    if (surface !== null) this.sublevelLayer.setContours(surface.loss, this.heights, surface.gridSize, this.contourLevels, surface);
    this.requestRender();
  }

  setPoints(points: SurfacePoints): void {
    if (this.disposed) return;
    this.points = points;
    this.placeMarkers();
    this.requestRender();
  }

  /** Draw one frame now (for screenshots and exports; the view otherwise draws on its own). */
  render(): void {
    if (this.disposed) return;
    const offset = this.camera.position.clone().sub(this.controls.target);
    this.axes.orient(offset.x, offset.y, offset.z);
    // Labels made since the last frame (a new surface's ticks, path labels) get their size here.
    // The camera's picture is the frame area (the canvas is a window onto it): text is sized against its height.
    sizeLabels(this.scene, this.area.height, Math.tan((this.camera.fov * Math.PI) / 360));
    declutterLabels(this.scene, this.camera, this.width, this.height);
    this.renderer.render(this.scene, this.camera);
  }

  /** Fit the drawing buffer to the canvas's current size; the camera keeps its pose, framed for the new shape. */
  resize(): void {
    if (this.disposed) return;
    const width = Math.max(1, this.canvas.clientWidth);
    const height = Math.max(1, this.canvas.clientHeight);
    const pose = this.getCamera();
    const bar = this.colorBar.element.getBoundingClientRect();
    const canvas = this.canvas.getBoundingClientRect();
    const area = frameArea(pose, width, height, bar.width > 0 ? { left: bar.left - canvas.left, bottom: bar.bottom - canvas.top } : null);
    const same = (a: FrameArea, b: FrameArea): boolean =>
      a.left === b.left && a.top === b.top && a.width === b.width && a.height === b.height;
    if (width === this.width && height === this.height && same(area, this.area)) return;
    this.width = width;
    this.height = height;
    this.area = area;
    this.renderer.setSize(width, height, false);
    this.camera.aspect = area.width / area.height;
    this.camera.fov = fovForAspect(this.camera.aspect);
    this.camera.updateProjectionMatrix();
    this.setCamera(pose, this.getPan());
    this.render();
  }

  /** Where the canvas, the projected box, the 3-D labels and the hover marker are on the page now. */
  layout(): ViewLayout {
    const rect = this.canvas.getBoundingClientRect();
    const { left, top } = rect;
    this.camera.updateMatrixWorld();
    const project = (x: number, y: number, z: number): [number, number] => {
      const p = new Vector3(x, y, z).project(this.camera);
      return [left + ((p.x + 1) / 2) * rect.width, top + ((1 - p.y) / 2) * rect.height];
    };
    const corners = [-1, 1].flatMap((x) => [0, BOX_HEIGHT].flatMap((y) => [-1, 1].map((z) => project(x * BOX_HALF_WIDTH, y, z))));
    const xs = corners.map(([x]) => x);
    const ys = corners.map(([, y]) => y);
    const sphere = this.hoverMarker.group.children[0];
    const hover =
      this.hoverMarker.group.visible && sphere !== undefined ? project(sphere.position.x, sphere.position.y, sphere.position.z) : null;
    return {
      canvas: { left, top, right: rect.right, bottom: rect.bottom },
      box: { left: Math.min(...xs), top: Math.min(...ys), right: Math.max(...xs), bottom: Math.max(...ys) },
      labels: labelRects(this.scene, this.camera, rect.width, rect.height).map((l) => ({
        ...l,
        left: l.left + left,
        right: l.right + left,
        top: l.top + top,
        bottom: l.bottom + top,
      })),
      hover: hover === null ? null : { x: hover[0], y: hover[1] },
    };
  }

  /** The grid point under a client (page) position, or null where the surface is not. */
  pickAt(clientX: number, clientY: number): SurfacePick | null {
    const mesh = this.mesh;
    const surface = this.surface;
    if (this.disposed || mesh === null || surface === null) return null;
    const rect = this.canvas.getBoundingClientRect();
    if (rect.width <= 0 || rect.height <= 0) return null;
    const ndc = new Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    this.raycaster.setFromCamera(ndc, this.camera);
    const hit = this.raycaster.intersectObject(mesh, false)[0];
    if (hit?.face == null) return null;
    // Of the hit triangle's three corners, report the grid point nearest to the hit.
    const position = mesh.geometry.getAttribute('position');
    let best = hit.face.a;
    let bestDistance = Infinity;
    for (const vertex of [hit.face.a, hit.face.b, hit.face.c]) {
      const d = Math.hypot(position.getX(vertex) - hit.point.x, position.getZ(vertex) - hit.point.z);
      if (d < bestDistance) {
        bestDistance = d;
        best = vertex;
      }
    }
    const ix = best % surface.gridSize;
    const iy = Math.floor(best / surface.gridSize);
    return {
      ix,
      iy,
      alpha: surface.alphas[ix] ?? NaN,
      beta: surface.betas[iy] ?? NaN,
      loss: surface.loss[best] ?? NaN,
    };
  }

  setCameraPreset(name: CameraPresetName): void {
    this.setCamera(CAMERA_PRESETS[name]);
  }

  /** The pose on screen; its distance is relative to the framing (FIT_DISTANCE frames the box to fill the view). */
  getCamera(): CameraPose {
    const offset = this.camera.position.clone().sub(this.controls.target);
    const pose = offsetToPose(offset.x, offset.y, offset.z);
    return { ...pose, distance: pose.distance / this.fitScale(pose, this.camera.aspect, this.camera.fov) };
  }

  /** How far the orbit target was panned from the box's middle, world units (0, 0, 0 unless panned). */
  getPan(): [number, number, number] {
    const pan = this.controls.target.clone().sub(TARGET);
    return [pan.x, pan.y, pan.z];
  }

  /**
   * Calls `listener` whenever the camera moves (orbit, zoom, pan, damping, or a pose set by code); linked
   * views follow each other through it. Returns a function that stops listening.
   */
  onCameraChange(listener: () => void): () => void {
    this.controls.addEventListener('change', listener);
    return () => this.controls.removeEventListener('change', listener);
  }

  /** A note under the colour bar (e.g. that two views share it); null removes it. */
  setColorBarNote(text: string | null): void {
    this.colorBar.setNote(text);
  }

  setCamera(pose: CameraPose, pan: readonly [number, number, number] = [0, 0, 0]): void {
    if (this.disposed) return;
    const [x, y, z] = this.cameraOffset(clampPose(pose), this.camera.aspect, this.camera.fov);
    const target = TARGET.clone().add(new Vector3(pan[0], pan[1], pan[2]));
    // Without damping, update() spends any leftover orbit momentum at once; the second placement
    // then lands exactly on the pose instead of drifting off it.
    this.controls.enableDamping = false;
    this.placing = true;
    try {
      for (let pass = 0; pass < 2; pass++) {
        this.controls.target.copy(target);
        this.camera.position.set(target.x + x, target.y + y, target.z + z);
        this.controls.update();
      }
    } finally {
      this.placing = false;
    }
    this.controls.enableDamping = true;
    this.frame();
    this.requestRender();
  }

  /**
   * World distance per unit of pose distance for a camera looking from the pose's direction: the box
   * (with its labels) just fills a view of this aspect and FOV at pose distance FIT_DISTANCE.
   */
  private fitScale(pose: CameraPose, aspect: number, fov: number): number {
    const [x, y, z] = poseToOffset({ ...pose, distance: 1 });
    const fit = fitDistance(FRAME_POINTS, [x, y, z], aspect, fov, FRAME_MARGIN);
    return fit > 0 ? fit / FIT_DISTANCE : 1;
  }

  /** The camera's offset from the target for a pose, in a view of this aspect and FOV. */
  private cameraOffset(pose: CameraPose, aspect: number, fov: number): [number, number, number] {
    return poseToOffset({ ...pose, distance: pose.distance * this.fitScale(pose, aspect, fov) });
  }

  /**
   * After the camera moved: the zoom limits in world units for its direction (the pose's limits are relative
   * to the framing), and the view shifted so the framed box sits in the middle of the canvas.
   */
  private readonly frame = (): void => {
    const offset = this.camera.position.clone().sub(this.controls.target);
    const pose = offsetToPose(offset.x, offset.y, offset.z);
    const scale = this.fitScale(pose, this.camera.aspect, this.camera.fov);
    this.controls.minDistance = MIN_DISTANCE * scale;
    this.controls.maxDistance = MAX_DISTANCE * scale;
    centreFrame(this.camera, pose, this.area, this.width, this.height);
  };

  /**
   * Calls `listener` with the pose once the user has stopped orbiting or zooming and damping has
   * settled (`delayMs` after the last movement). Poses set by code (setCamera) do not count.
   * Returns a function that stops listening.
   */
  onCameraSettled(listener: (pose: CameraPose) => void, delayMs = 400): () => void {
    let userMoving = false;
    // While a button is held the user has not stopped, however long the pointer rests (slow frames included).
    let held = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = (): void => {
      if (!userMoving || held) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        userMoving = false;
        if (!this.disposed) listener(this.getCamera());
      }, delayMs);
    };
    const onStart = (): void => {
      userMoving = true;
      held = true;
      clearTimeout(timer);
    };
    // A change not made by setCamera is the user's or their damping's (which may go on after a slow frame).
    const onChange = (): void => {
      if (this.placing) return;
      userMoving = true;
      schedule();
    };
    const onEnd = (): void => {
      held = false;
      schedule();
    };
    this.controls.addEventListener('start', onStart);
    this.controls.addEventListener('change', onChange);
    this.controls.addEventListener('end', onEnd);
    return () => {
      clearTimeout(timer);
      this.controls.removeEventListener('start', onStart);
      this.controls.removeEventListener('change', onChange);
      this.controls.removeEventListener('end', onEnd);
    };
  }

  /**
   * Draw the scene as it is now into another renderer (an export), seen from `pose` with the aspect
   * of `width`×`height`. The on-screen camera, canvas and controls are left as they are.
   */
  renderInto(renderer: WebGLRenderer, width: number, height: number, pose: CameraPose = this.getCamera()): void {
    if (this.disposed) return;
    const camera = this.camera.clone();
    camera.aspect = width / Math.max(1, height);
    camera.fov = fovForAspect(camera.aspect);
    const [x, y, z] = this.cameraOffset(clampPose(pose), camera.aspect, camera.fov);
    camera.position.set(TARGET.x + x, TARGET.y + y, TARGET.z + z);
    camera.lookAt(TARGET);
    centreFrame(camera, offsetToPose(x, y, z), { left: 0, top: 0, width, height }, width, height);
    camera.updateMatrixWorld();
    this.axes.orient(x, y, z);
    // Labels keep their share of the picture's height: an export twice the view's size has text twice as large.
    sizeLabels(this.scene, height, Math.tan((camera.fov * Math.PI) / 360), height / Math.max(1, this.height));
    declutterLabels(this.scene, camera, width, height);
    renderer.render(this.scene, camera);
    sizeLabels(this.scene, this.area.height, Math.tan((this.camera.fov * Math.PI) / 360));
    const offset = this.camera.position.clone().sub(this.controls.target);
    this.axes.orient(offset.x, offset.y, offset.z);
    declutterLabels(this.scene, this.camera, this.width, this.height);
  }

  /** The colour bar's inputs (null before the first surface), for exports that draw their own. */
  colorBarInfo(): { colormap: ColormapName; scale: LossScale; surfaceMax: number; nonFinite: number } | null {
    const surface = this.surface;
    const scale = this.currentScale;
    if (surface === null || scale === null) return null;
    return {
      colormap: this.options.colormap,
      scale,
      surfaceMax: this.options.scaleRange?.max ?? surface.max,
      nonFinite: surface.nonFinite,
    };
  }

  /** Ask for a frame on the next animation tick (many calls, one frame). */
  readonly requestRender = (): void => {
    if (this.disposed || this.frameHandle !== 0) return;
    this.frameHandle = requestAnimationFrame(this.onFrame);
  };

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.frameHandle !== 0) cancelAnimationFrame(this.frameHandle);
    this.frameHandle = 0;
    this.resizeObserver?.disconnect();
    this.controls.removeEventListener('change', this.requestRender);
    this.controls.removeEventListener('change', this.frame);
    this.controls.dispose();
    this.mesh?.geometry.dispose();
    this.mesh = null;
    this.material.dispose();
    this.axes.dispose();
    this.centerMarker.dispose();
    this.sublevelLayer.dispose();
    this.minimumMarker.dispose();
    this.highlightMarker.dispose();
    this.hoverMarker.dispose();
    this.colorBar.dispose();
    this.renderer.dispose();
    this.renderer.forceContextLoss();
    this.canvas.remove();
    this.surface = null;
  }

  private readonly onFrame = (): void => {
    this.frameHandle = 0;
    // While damping still moves the camera, update() fires 'change', which asks for the next frame.
    this.controls.update();
    this.render();
  };

  private rebuildMesh(gridSize: number, rows = gridSize): void {
    if (this.mesh !== null) {
      this.scene.remove(this.mesh);
      this.mesh.geometry.dispose();
    }
    const count = gridSize * rows;
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', new BufferAttribute(new Float32Array(count * 3), 3));
    geometry.setAttribute('color', new BufferAttribute(new Float32Array(count * 3), 3));
    geometry.setAttribute('aUnit', new BufferAttribute(new Float32Array(count), 1));
    geometry.setAttribute('aComp', new BufferAttribute(new Float32Array(count * 3), 3));
    const cells = Math.max(0, gridSize - 1);
    const cellRows = Math.max(0, rows - 1);
    const index = count > 65535 ? new Uint32Array(cells * cellRows * 6) : new Uint16Array(cells * cellRows * 6);
    let k = 0;
    for (let iy = 0; iy < cellRows; iy++) {
      for (let ix = 0; ix < cells; ix++) {
        const a = iy * gridSize + ix;
        const b = a + 1;
        const c = a + gridSize;
        const d = c + 1;
        index.set([a, b, d, a, d, c], k);
        k += 6;
      }
    }
    geometry.setIndex(new BufferAttribute(index, 1));
    this.mesh = new Mesh(geometry, this.material);
    this.scene.add(this.mesh);
  }

  private updateSurface(): void {
    const surface = this.surface;
    const mesh = this.mesh;
    if (surface === null || mesh === null) return;
    const opts = this.options;
    const range = opts.scaleRange ?? surface;
    const { heights, colorT, nonFiniteMask, scale } = surfaceHeights(surface.loss, {
      logScale: opts.logScale,
      zClip: opts.zClip,
      min: range.min,
      max: range.max,
    });
    const gridSize = surface.gridSize;
    const span = surface.span > 0 ? surface.span : 1;
    const position = mesh.geometry.getAttribute('position');
    const color = mesh.geometry.getAttribute('color');
    const unitAttribute = mesh.geometry.getAttribute('aUnit');
    const lut = linearLut(opts.colormap);
    const marking = toLinear(nonFiniteColor(opts.colormap));
    for (let iy = 0; iy < gridRows(surface); iy++) {
      const z = -((surface.betas[iy] ?? 0) / span) * BOX_HALF_WIDTH;
      for (let ix = 0; ix < gridSize; ix++) {
        const i = iy * gridSize + ix;
        const x = ((surface.alphas[ix] ?? 0) / span) * BOX_HALF_WIDTH;
        position.setXYZ(i, x, (heights[i] ?? 1) * BOX_HEIGHT, z);
        unitAttribute.setX(i, nonFiniteMask[i] === 1 ? NON_FINITE_UNIT : scale.toUnit(surface.loss[i] ?? NaN));
        if (nonFiniteMask[i] === 1) {
          color.setXYZ(i, marking[0], marking[1], marking[2]);
        } else {
          const j = Math.round((colorT[i] ?? 0) * (LUT_SIZE - 1)) * 3;
          color.setXYZ(i, lut[j] ?? 0, lut[j + 1] ?? 0, lut[j + 2] ?? 0);
        }
      }
    }
    position.needsUpdate = true;
    color.needsUpdate = true;
    unitAttribute.needsUpdate = true;
    this.heights = heights;
    this.currentScale = scale;
    mesh.geometry.computeVertexNormals();
    mesh.geometry.computeBoundingSphere();
    mesh.geometry.computeBoundingBox();
    this.updateOverlays(surface, heights, scale);
    this.sublevelLayer.setContours(surface.loss, heights, gridSize, this.contourLevels, surface);
    this.applySublevel();
    this.placeMarkers();
    this.requestRender();
  }

  private applySublevel(): void {
    const mesh = this.mesh;
    const scale = this.currentScale;
    const surface = this.surface;
    const display = this.sublevel;
    if (mesh === null || scale === null || surface === null) return;
    const unit = scale.toUnit(display.level);
    this.water.uWater.value = display.water ? 1 : 0;
    this.water.uLevel.value = Number.isFinite(unit) ? unit : display.level > scale.top ? NON_FINITE_UNIT : -1;
    const paint = display.water && display.colourComponents && display.labels !== null && display.elder !== null;
    this.water.uComponents.value = paint ? 1 : 0;
    if (paint && display.labels.length === surface.gridSize * gridRows(surface)) {
      const comp = mesh.geometry.getAttribute('aComp');
      componentVertexColors(display.labels, display.elder, surface.gridSize, comp.array as Float32Array, gridRows(surface));
      comp.needsUpdate = true;
    }
    this.sublevelLayer.setWater(display.water, unit);
    this.colorBar.setWater(display.water ? display.level : null);
    this.requestRender();
  }

  /** Titles of the plane's axes (u, v where the plane is the whole weight space); used from the next surface on. */
  setAxisNames(names: readonly [string, string]): void {
    this.axes.setNames(names);
  }

  private placeMarkers(): void {
    const place = (marker: GridMarker, cell: number | null): void => {
      const surface = this.surface;
      if (surface === null || cell === null || cell < 0 || cell >= surface.gridSize * gridRows(surface)) {
        marker.hide();
        return;
      }
      const n = surface.gridSize;
      const ix = cell % n;
      const iy = Math.floor(cell / n);
      const y = gridHeight(this.heights, n, ix, iy, gridRows(surface)) * BOX_HEIGHT;
      const [x, z] = gridToBox(ix, iy, n, gridRows(surface), surface);
      marker.place(x, y, z);
    };
    place(this.minimumMarker, this.points.minimum);
    place(this.highlightMarker, this.points.highlight);
    place(this.hoverMarker, this.points.hover);
  }

  private updateOverlays(surface: Surface, heights: Float32Array, scale: LossScale): void {
    this.axes.update(surface.span, scale);
    this.colorBar.update(this.options.colormap, scale, this.options.scaleRange?.max ?? surface.max, surface.nonFinite);
    const centre = interpolateGrid(heights, surface.alphas, surface.betas, 0, 0);
    this.centerMarker.place(0, (Number.isFinite(centre) ? centre : 1) * BOX_HEIGHT, 0, this.options.showMarker !== false);
  }
}

/** A rectangle of the canvas, CSS pixels from its top left. */
interface FrameArea {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Where to frame the box in a `width`×`height` canvas whose top right corner holds the colour bar (its
 * left edge and bottom, canvas pixels; null: none): left of the bar or below it, whichever shows the box larger.
 */
function frameArea(pose: CameraPose, width: number, height: number, bar: { left: number; bottom: number } | null): FrameArea {
  const whole = { left: 0, top: 0, width, height };
  if (bar === null) return whole;
  const gap = 6;
  const candidates: FrameArea[] = [
    { left: 0, top: 0, width: Math.max(1, bar.left - gap), height },
    { left: 0, top: Math.min(height - 1, bar.bottom + gap), width, height: Math.max(1, height - bar.bottom - gap) },
  ];
  const [x, y, z] = poseToOffset({ ...pose, distance: 1 });
  const pixelsPerUnit = (a: FrameArea): number => {
    const fov = fovForAspect(a.width / a.height);
    const d = fitDistance(FRAME_POINTS, [x, y, z], a.width / a.height, fov, FRAME_MARGIN);
    return a.height / (2 * d * Math.tan((fov * Math.PI) / 360));
  };
  return candidates.reduce((best, a) => (pixelsPerUnit(a) > pixelsPerUnit(best) ? a : best));
}

/**
 * Shift and widen the camera's view (an off-axis projection) so the framed box is centred in `area` of a
 * `width`×`height` picture; the camera's aspect and FOV are the area's.
 */
function centreFrame(camera: PerspectiveCamera, pose: CameraPose, area: FrameArea, width: number, height: number): void {
  const [x, y, z] = poseToOffset({ ...pose, distance: 1 });
  const e = projectedExtent(FRAME_POINTS, [x, y, z], pose.distance, camera.aspect, camera.fov);
  const centreX = (e.minX + e.maxX) / 2;
  const centreY = (e.minY + e.maxY) / 2;
  if (width > 0 && height > 0 && Number.isFinite(centreX) && Number.isFinite(centreY)) {
    // The area is the camera's full picture; the canvas is a window onto it that reaches past its edges.
    const offsetX = (centreX * area.width) / 2 - area.left;
    const offsetY = (-centreY * area.height) / 2 - area.top;
    camera.setViewOffset(area.width, area.height, offsetX, offsetY, width, height);
  }
  camera.updateProjectionMatrix();
}

/** The colormap as 256 linear-light RGB triples: three.js treats vertex colours as linear. */
function linearLut(name: ColormapName): Float32Array {
  const lut = new Float32Array(LUT_SIZE * 3);
  for (let i = 0; i < LUT_SIZE; i++) lut.set(toLinear(colormap(name, i / (LUT_SIZE - 1))), i * 3);
  return lut;
}
