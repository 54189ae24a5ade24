/**
 * Resolves in a new macrotask, so that queued messages (a cancel, a crash probe) run first.
 * A MessageChannel is used instead of setTimeout(0), which browsers clamp to 4 ms when nested.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
