import { mount } from 'svelte';
import App from './App.svelte';
import { app } from './state/app.svelte';
import { pwa } from './state/pwa.svelte';
import './styles.css';

declare global {
  interface Window {
    /** The lab's SDK, for the browser console: `await bunsen.workspaces()`. */
    bunsen?: import('../sdk').Lab;
  }
}

/** How long the lab must have run no import or preparation before the service worker starts. */
const QUIET_MS = 5000;

const quietFor = (ms: number) =>
  new Promise<void>((done) => {
    setTimeout(() => {
      if (typeof requestIdleCallback === 'function')
        requestIdleCallback(() => done(), { timeout: ms });
      else done();
    }, ms);
  });

/**
 * Registers the service worker once the lab is quiet. On a first visit it precaches every
 * runtime (tfjs, onnxruntime, their WebAssembly), and Chromium compiles what is put in the cache
 * during that install in the page's own process: about 100 MB for a while. Started alongside a
 * large import, that came on top of the import's own peak, so registering waits `QUIET_MS` after
 * the page loads and after the last import or preparation ends. Later visits precache only what
 * a new version changed.
 */
async function startServiceWorkerWhenQuiet() {
  try {
    await quietFor(QUIET_MS);
    const { dataJobsRunning, whenDataJobsDone, dataJobsEndedAt } =
      await import('../compute/data-client');
    for (;;) {
      if (dataJobsRunning()) {
        await whenDataJobsDone();
        continue;
      }
      // An import that ended a moment ago is followed by the view of its dataset (charts,
      // associations), as heavy as the import: the full quiet time runs from its end.
      const ended = dataJobsEndedAt();
      const left = ended === null ? 0 : QUIET_MS - (performance.now() - ended);
      if (left <= 0) break;
      await quietFor(left);
    }
  } catch {
    // The data client could not be loaded to ask: offline support matters more than the timing.
  }
  pwa.start();
}

mount(App, { target: document.getElementById('app') as HTMLElement });
void startServiceWorkerWhenQuiet();
void app.start().then((lab) => {
  if (lab) window.bunsen = lab;
});
