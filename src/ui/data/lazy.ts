/**
 * Mounting that waits for the screen: a chart below the fold costs nothing until it is scrolled
 * near, and charts that come into view together are mounted one per task, so the page can paint
 * and answer input between them instead of computing them all in one long task.
 */

type Mount = () => void;

const queue: Mount[] = [];
let scheduled = false;

function runNext() {
  scheduled = false;
  const next = queue.shift();
  next?.();
  if (queue.length) schedule();
}

/**
 * The next mount runs in a task of its own after the next frame: a task queued with setTimeout
 * alone may run before the page paints what the previous mount made, and two mounts in a row
 * then hold the screen for both. Where there are no frames (no window), after a task.
 */
function schedule() {
  if (scheduled) return;
  scheduled = true;
  if (typeof requestAnimationFrame === 'function') {
    requestAnimationFrame(() => setTimeout(runNext, 0));
  } else {
    setTimeout(runNext, 0);
  }
}

/** Runs `mount` in a task of its own once the mounts queued before it have run. */
export function queueMount(mount: Mount): () => void {
  queue.push(mount);
  schedule();
  return () => {
    const index = queue.indexOf(mount);
    if (index >= 0) queue.splice(index, 1);
  };
}

/** How far outside the viewport an element starts to count as visible (to be ready in time). */
export const NEAR_VIEWPORT = '300px 0px';

/**
 * Calls `onvisible` once, when `element` first comes near the viewport (at once where there is
 * no IntersectionObserver). Returns a function that stops watching.
 */
export function whenVisible(element: Element, onvisible: () => void): () => void {
  if (typeof IntersectionObserver !== 'function') {
    onvisible();
    return () => undefined;
  }
  const observer = new IntersectionObserver(
    (entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      observer.disconnect();
      onvisible();
    },
    { rootMargin: NEAR_VIEWPORT },
  );
  observer.observe(element);
  return () => observer.disconnect();
}
