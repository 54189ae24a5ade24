import { describeError } from '../state/app.svelte';

/**
 * What a search logged as runs shares: its writes happen one at a time, in the order the
 * events arrived (a child run exists before its result is logged), and the first write that
 * fails is kept in `problem` for the page to show while the search goes on.
 */
export abstract class QueuedRunLog {
  problem = $state<string | null>(null);

  private queue: Promise<void> = Promise.resolve();

  protected enqueue(step: () => Promise<void>) {
    this.queue = this.queue.then(async () => {
      try {
        await step();
      } catch (error) {
        this.problem ??= describeError(error);
      }
    });
  }

  /** Resolves once everything received so far is written. */
  settled(): Promise<void> {
    return this.queue;
  }
}
