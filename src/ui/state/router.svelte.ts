export interface Route {
  path: string;
  title: string;
  description: string;
}

export const ROUTES: readonly Route[] = [
  { path: '/', title: 'Overview', description: 'The workspace at a glance' },
  { path: '/data', title: 'Data', description: 'Import, profile and explore datasets' },
  { path: '/train', title: 'Train', description: 'Fit a model and evaluate it' },
  { path: '/activity', title: 'Activity', description: 'Audit trail of every change' },
  { path: '/compute', title: 'Compute', description: 'What this device can run, and how fast' },
  { path: '/storage', title: 'Storage & backup', description: 'Space used, backups, your name' },
];

const currentPath = () => {
  const path = location.hash.replace(/^#/, '') || '/';
  return ROUTES.some((route) => route.path === path) ? path : '/';
};

class Router {
  path = $state(currentPath());
  route = $derived(ROUTES.find((route) => route.path === this.path) ?? ROUTES[0]!);

  constructor() {
    addEventListener('hashchange', () => {
      this.path = currentPath();
    });
  }
}

export const router = new Router();
