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
}
