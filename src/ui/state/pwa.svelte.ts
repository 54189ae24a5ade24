import { registerSW } from 'virtual:pwa-register';

const HOUR = 60 * 60 * 1000;

class Pwa {
  /** A new version has been installed and waits for this tab to reload into it. */
  needRefresh = $state(false);
  offlineReady = $state(false);
  private update: ((reload?: boolean) => Promise<void>) | undefined;

  start() {
    if (!('serviceWorker' in navigator)) return;
    this.update = registerSW({
      onNeedRefresh: () => (this.needRefresh = true),
      onOfflineReady: () => (this.offlineReady = true),
      onRegisteredSW: (_url, registration) => {
        if (!registration) return;
        const check = () => {
          if (navigator.onLine) void registration.update().catch(() => undefined);
        };
        setInterval(check, HOUR);
        document.addEventListener('visibilitychange', () => {
          if (document.visibilityState === 'visible') check();
        });
      },
    });
  }

  async reloadIntoUpdate() {
    await this.update?.(true);
  }

  dismiss() {
    this.needRefresh = false;
  }
}

export const pwa = new Pwa();
