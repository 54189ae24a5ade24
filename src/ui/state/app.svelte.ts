import { Lab, StoreError, type Workspace } from '../../sdk';

const CURRENT_KEY = 'bunsen.workspace';

export function describeError(error: unknown): string {
  if (error instanceof StoreError) return error.message;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** What the shell knows: the lab, the workspaces, which one is open, and what went wrong. */
class AppState {
  lab = $state.raw<Lab | null>(null);
  workspaces = $state.raw<Workspace[]>([]);
  currentId = $state<string | null>(null);
  current = $derived(this.workspaces.find((workspace) => workspace.id === this.currentId) ?? null);
  /** Bumped whenever records of the open workspace change, here or in another tab. */
  revision = $state(0);
  /** Bumped when a run of the current workspace logs metrics or lines: live views watch it. */
  telemetry = $state(0);
  error = $state<string | null>(null);
  fatal = $state<string | null>(null);
  stale = $state(false);
  notice = $state<string | null>(null);
  /** The first load has finished (successfully or with `fatal` set). */
  ready = $state(false);

  async start() {
    try {
      const lab = await Lab.open();
      this.lab = lab;
      lab.store.onStale(() => (this.stale = true));
      lab.store.onChange((change) => {
        if (change.type === 'workspaces') void this.refresh();
        else if (change.workspaceId !== this.currentId) return;
        // Metric points stream in every second while something trains; only live views
        // follow them, so that lists and pages are not reloaded each time.
        else if (change.type === 'telemetry') this.telemetry += 1;
        else this.revision += 1;
      });
      const first = await lab.initialWorkspace(localStorage.getItem(CURRENT_KEY));
      // A run left "running" by a tab that closed mid-training is marked interrupted.
      void lab.recoverInterruptedRuns().catch(() => undefined);
      await this.refresh();
      this.open(first.id);
      // Ask once per load: browsers that grant it silently do so now; the Storage page shows the
      // answer and lets the user ask again.
      void lab.requestPersistentStorage();
      return lab;
    } catch (error) {
      this.fatal = describeError(error);
      return null;
    } finally {
      this.ready = true;
    }
  }

  async refresh() {
    if (!this.lab || this.stale) return;
    this.workspaces = await this.lab.workspaces();
    this.revision += 1;
    if (this.currentId && !this.workspaces.some((workspace) => workspace.id === this.currentId)) {
      const next = this.workspaces[0];
      this.currentId = next?.id ?? null;
      if (next) localStorage.setItem(CURRENT_KEY, next.id);
      else localStorage.removeItem(CURRENT_KEY);
    }
  }

  open(id: string) {
    this.currentId = id;
    localStorage.setItem(CURRENT_KEY, id);
    this.revision += 1;
  }

  /** Runs a user action; a failure becomes the message in the alert banner, never a crash. */
  async run<T>(action: (lab: Lab) => Promise<T>): Promise<T | undefined> {
    if (!this.lab) return undefined;
    this.error = null;
    try {
      return await action(this.lab);
    } catch (error) {
      this.error = describeError(error);
      return undefined;
    }
  }

  say(message: string) {
    this.notice = message;
  }
}

export const app = new AppState();
