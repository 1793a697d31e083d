/**
 * The page's main thread stays free while it works: no task longer than 50 ms (a `longtask` entry) while it
 * trains θ₀, computes a grid and sweeps widths. The first load (compiling kernels, building the page) is over
 * before the observer starts.
 */
import { cpus, loadavg } from 'node:os';
import { describe, expect, it } from 'vitest';
import { useAppBrowser } from './appBrowser';

const browser = useAppBrowser();

/**
 * A long task is measured in wall-clock time: on a machine with more runnable processes than cores, every
 * task of the page is stretched by its neighbours (at a load of 16 on 2 cores a 10 ms task is seen as 80 ms).
 * The page aims at 50 ms; the test allows 100 ms on a machine with a core to spare and 100 ms times the
 * runnable processes per core (at most 8×) on a busier one, e.g. while the rest of the suite runs beside it.
 */
function boundMs(): number {
  const perCore = (loadavg()[0] ?? 0) / Math.max(1, cpus().length);
  // The page's target is 50 ms; the suite runs other files beside this one, so twice that is allowed, scaled by the load.
  const bound = 100 * Math.min(8, Math.max(1, perCore));
  console.warn(`longTasks.test: load ${perCore.toFixed(1)} per core, bound ${bound.toFixed(0)} ms (the target is 50 ms)`);
  return bound;
}

const SMALL = 'data=moons&m=64&hidden=8&steps=60&grid=33&water=0';

describe('main thread', () => {
  it('has no task over 100 ms (scaled by the load; the target is 50 ms) while θ₀ trains, a grid is computed and widths are swept', async () => {
    const page = await browser.open(`#${SMALL}`);
    // A first width sweep and a first 65² grid compile their kernels; what follows is the steady state.
    await page.evaluate(() => window.landscape.widthSweep({ samples: 4, widths: [1, 2], seeds: 2, steps: 20 }));
    await page.evaluate(() => window.landscape.set({ plane: { gridSize: 65 } }));
    await page.evaluate(() => window.landscape.set({ plane: { gridSize: 33 } }));
    await page.evaluate(() => {
      const found: { start: number; duration: number; name: string }[] = [];
      (window as unknown as { __longTasks: typeof found }).__longTasks = found;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) found.push({ start: e.startTime, duration: e.duration, name: e.name });
      }).observe({ type: 'longtask' });
    });
    const marks: Record<string, number> = {};
    const mark = async (name: string): Promise<void> => {
      marks[name] = await page.evaluate(() => performance.now());
    };
    await mark('train');
    await page.evaluate(() => window.landscape.set({ train: { steps: 80 } }));
    await mark('grid');
    await page.evaluate(() => window.landscape.set({ plane: { gridSize: 65, span: 1.5 } }));
    await mark('sweep');
    const sweep = await page.evaluate(() => window.landscape.widthSweep({ samples: 4, widths: [1, 2, 3, 4, 6], seeds: 4, steps: 150 }));
    await mark('end');
    expect(sweep.points).toHaveLength(5);
    expect(await page.evaluate(() => window.landscape.surface().gridSize)).toBe(65);
    // Entries arrive after their task: give the observer a frame to deliver them.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 100))));
    const tasks = await page.evaluate(() => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks);
    const during = (t: { start: number }): string =>
      t.start < (marks.grid ?? 0)
        ? 'training θ₀'
        : t.start < (marks.sweep ?? 0)
          ? 'grid'
          : t.start < (marks.end ?? 0)
            ? 'width sweep'
            : 'after';
    const bound = boundMs();
    expect(tasks.filter((t) => t.duration > bound).map((t) => `${Math.round(t.duration)} ms during ${during(t)}`)).toEqual([]);
    await page.close();
  });
});
