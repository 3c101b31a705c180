// A stack of clean-up steps that runs once, last-registered first, whether the
// benchmark finished, failed or was interrupted (Ctrl-C).

type Step = { what: string; run: () => Promise<void> | void };

export class Cleanup {
  private steps: Step[] = [];
  private running: Promise<void> | null = null;

  defer(what: string, run: Step["run"]): void {
    this.steps.push({ what, run });
  }

  runAll(): Promise<void> {
    this.running ??= this.drain();
    return this.running;
  }

  private async drain(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.run();
      } catch (error) {
        // Keep going: one failed step must not leave the others' resources behind.
        console.error(`  clean-up: could not ${step.what}: ${(error as Error).message}`);
      }
    }
  }

  /** Ctrl-C / SIGTERM: clean up, then exit non-zero. Returns a function that removes the handlers. */
  onSignals(): () => void {
    const handler = (signal: NodeJS.Signals) => {
      console.error(`\n${signal}: cleaning up…`);
      void this.runAll().then(() => process.exit(130));
    };
    process.once("SIGINT", handler);
    process.once("SIGTERM", handler);
    return () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    };
  }
}
