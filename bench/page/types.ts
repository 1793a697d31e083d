/** What the benchmark page reports (window.benchResults), shared with bench/run.ts. */

export interface FmaPeakResult {
  /** Best of the trials, GFLOP/s (2 flops per FMA lane). */
  readonly gflops: number;
  /** Every trial, GFLOP/s. */
  readonly trials: readonly number[];
  readonly invocations: number;
  /** Loop trips per invocation (32 × chains flops each). */
  readonly iters: number;
  /** Independent vec4 fma chains per invocation in the best configuration. */
  readonly chains: number;
  /** Dispatches per timed trial. */
  readonly dispatchesPerTrial: number;
}

export interface GridWorkloadResult {
  readonly name: string;
  readonly description: string;
  readonly gridSize: number;
  readonly points: number;
  readonly samples: number;
  readonly kernelMacsPerSample: number;
  readonly naiveMacsPerSample: number;
  /** Every timed run, seconds. */
  readonly runs: readonly number[];
  /** Median of the timed runs, seconds. */
  readonly seconds: number;
  /** points × m / s */
  readonly sampleEvalsPerSecond: number;
  /** 2 × kernelMacsPerSample × points × m / s, in GFLOP/s */
  readonly kernelGflops: number;
  /** kernelGflops / FMA peak */
  readonly kernelFractionOfPeak: number;
  /** 2 × naiveMacsPerSample × points × m / s, in GFLOP/s */
  readonly effectiveGflops: number;
  /** effectiveGflops / FMA peak */
  readonly effectiveRatioToPeak: number;
  /** Largest |GPU − CPU twin| loss on a small grid (warm-up run), a sanity check. */
  readonly maxAbsDiffVsCpu: number | null;
}

/** The grid kernel's two variants on one workload (LossGridKernel: register tiles; LossGridPointKernel: a workgroup per point). */
export interface GridVariantRow {
  readonly workload: string;
  readonly description: string;
  /** Median seconds of the register-tile kernel: its row in `workloads`. */
  readonly tilesSeconds: number;
  /** Every timed run of the workgroup-per-point kernel, seconds (empty when it did not run). */
  readonly pointRuns: readonly number[];
  /** Their median, or null when the network does not fit the point kernel's workgroup memory. */
  readonly pointSeconds: number | null;
  readonly pointMaxAbsDiffVsCpu: number | null;
  /** Why the point kernel did not run, or null. */
  readonly note: string | null;
}

export interface CpuTwinResult {
  readonly workload: string;
  readonly gridSize: number;
  readonly samples: number;
  readonly runs: readonly number[];
  readonly seconds: number;
  readonly sampleEvalsPerSecond: number;
  /** GPU sample-evaluations per second on the same workload (full grid) / the CPU twin's. */
  readonly gpuOverCpu: number;
}

export interface TargetCheck {
  readonly name: string;
  readonly value: number;
  readonly target: number;
  readonly unit: string;
  readonly pass: boolean;
}

/** Training throughput: (parameter vectors × samples) gradient evaluations per second. */
/** The barrier matrix of 8 minima on the width-m + 1 preset (bench/page/barrierBench.ts). */
export interface BarrierBenchResult {
  readonly description: string;
  readonly minima: number;
  readonly pairs: number;
  readonly device: 'webgpu' | 'cpu';
  readonly trainSeconds: number;
  readonly matrixSeconds: number;
  readonly secondsPerPair: number;
  readonly medianLineBarrier: number;
  readonly maxCurveBarrier: number;
}

/** Hessian top-5 of the default preset: GPU products against the float64 CPU twin (bench/page/hessianBench.ts). */
export interface HessianBenchResult {
  readonly description: string;
  readonly parameters: number;
  readonly iterations: number;
  readonly gpuSeconds: number;
  readonly cpuSeconds: number;
  /** The GPU's top eigenvalues, largest first. */
  readonly eigenvalues: readonly number[];
  /** Largest |λ_gpu − λ_cpu| / |λ_cpu| over the five. */
  readonly maxRelativeDifference: number;
}

export interface TrainingBenchResult {
  readonly description: string;
  readonly seeds: number;
  readonly samples: number;
  readonly gpuSteps: number;
  readonly gpuRuns: readonly number[];
  readonly gpuSeconds: number;
  readonly gpuEvalsPerSecond: number;
  readonly cpuSteps: number;
  readonly cpuSeconds: number;
  readonly cpuEvalsPerSecond: number;
  readonly gpuOverCpu: number;
  /** The default "are all minima global?" sweep on the GPU. */
  readonly sweep: {
    readonly description: string;
    readonly seconds: number;
    readonly successes: readonly { width: number; successes: number; seeds: number }[];
  };
}

/** Curve-training steps per second and the 61-point evaluation of the line and the curve. */
export interface CurveBenchSummary {
  readonly description: string;
  readonly curveSteps: number;
  readonly curveStepsPerSecond: number;
  /** Seconds for 1,000 curve-training steps at that rate (target < 2 s on a real GPU). */
  readonly secondsPer1000Steps: number;
  readonly evaluationMs: number;
  readonly lineBarrier: number;
  readonly curveBarrier: number;
}

export interface BenchReport {
  readonly adapter: string;
  readonly isFallback: boolean;
  readonly userAgent: string;
  readonly targetDispatchMs: number;
  readonly fmaPeak: FmaPeakResult;
  readonly workloads: readonly GridWorkloadResult[];
  /** Both grid kernel variants on the peers' toy and wide workloads. */
  readonly variants?: readonly GridVariantRow[];
  readonly cpu: CpuTwinResult;
  readonly targets: readonly TargetCheck[];
  readonly totalSeconds: number;
  /** Absent when the page ran with `only=grid`. */
  readonly training?: TrainingBenchResult;
  /** Mode connectivity (benchCurve on MODE_CONNECTIVITY_PRESET); absent with `only=grid`. */
  readonly curve?: CurveBenchSummary;
  /** Hessian top-5 of the default preset; absent with `only=grid`. */
  readonly hessian?: HessianBenchResult;
  /** The barrier matrix of 8 minima; absent with `only=grid`. */
  readonly barriers?: BarrierBenchResult;
}

declare global {
  interface Window {
    /** Set when the benchmark finishes. */
    benchResults?: BenchReport;
    /** Set when the benchmark fails (message). */
    benchError?: string;
    /** Run the benchmark (again); resolves to the report. */
    runBench?: () => Promise<BenchReport>;
  }
}
