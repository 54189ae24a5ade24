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

mount(App, { target: document.getElementById('app') as HTMLElement });
pwa.start();
void app.start().then((lab) => {
  if (lab) window.bunsen = lab;
});
