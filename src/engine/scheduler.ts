import { AbortError } from '../gpu/lossGrid.types';

/**
 * One job at a time: starting a job aborts the one before it. `settled()` waits until the newest
 * job (even one started while waiting) has finished, and rethrows its error.
 */
export class JobScheduler {
  private controller: AbortController | null = null;
  private latest: Promise<void> = Promise.resolve();

  start(job: (signal: AbortSignal) => Promise<void>): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const run = job(controller.signal).catch((err: unknown) => {
      if (err instanceof AbortError || controller.signal.aborted) return;
      throw err;
    });
    this.latest = run;
    return run;
  }

  /** Abort the running job (its promise settles as cancelled); false when none runs. */
  cancel(): boolean {
    const controller = this.controller;
    if (controller === null || controller.signal.aborted) return false;
    controller.abort();
    return true;
  }

  async settled(): Promise<void> {
    for (;;) {
      const current = this.latest;
      await current;
      if (current === this.latest) return;
    }
  }
}
