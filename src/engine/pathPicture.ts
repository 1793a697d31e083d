/** What a path view hands the page to draw: plain data, no three.js. */

export interface PlaneXY {
  readonly x: number;
  readonly y: number;
}

/** Polylines in plane coordinates (units of the plane's directions) and labelled points. */
export interface PathPicture {
  readonly line: readonly PlaneXY[];
  readonly curve: readonly PlaneXY[];
  readonly points: readonly { readonly at: PlaneXY; readonly label: string }[];
}

/** The 1-D chart of loss along the straight line and along the path, at fractions t ∈ [0, 1]. */
export interface PathChartData {
  readonly t: ArrayLike<number>;
  readonly lineLoss: ArrayLike<number>;
  readonly curveLoss: ArrayLike<number>;
  readonly lineBarrier: number;
  readonly curveBarrier: number;
  readonly curveLabel: string;
  readonly caption: string;
  /** The honest part: the loss read off the plane at each point of the path, and each point's distance from the plane. */
  readonly honest?: HonestPath;
}

export interface HonestPath {
  /** Loss of the plane's grid at the path's plane coordinates (bilinear), at the chart's t. */
  readonly planeLoss: ArrayLike<number>;
  /** Each point's distance from the plane, in the plane's units. */
  readonly offPlane: ArrayLike<number>;
  /** Which polyline of the chart these belong to: 'path' (the curve's), for the legend. */
  readonly what: string;
}
