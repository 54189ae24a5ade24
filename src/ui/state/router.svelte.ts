export interface Route {
  path: string;
  title: string;
  description: string;
}

export const ROUTES: readonly Route[] = [
  { path: '/', title: 'Overview', description: 'The workspace at a glance' },
  { path: '/data', title: 'Data', description: 'Import, profile and explore datasets' },
  { path: '/train', title: 'Train', description: 'Fit a model and evaluate it' },
  { path: '/automl', title: 'AutoML', description: 'Search learners and settings automatically' },
  { path: '/forecast', title: 'Forecast', description: 'Forecast time series with intervals' },
  { path: '/runs', title: 'Runs', description: 'Compare experiments and their runs' },
  { path: '/models', title: 'Models', description: 'Registered models, versions, aliases' },
  { path: '/deploy', title: 'Deploy', description: 'Embed in a web page, score data, import ONNX' },
  { path: '/lineage', title: 'Lineage', description: 'From data to runs, models, deployments' },
  { path: '/activity', title: 'Activity', description: 'Audit trail of every change' },
  { path: '/compute', title: 'Compute', description: 'What this device can run, and how fast' },
  { path: '/storage', title: 'Storage & backup', description: 'Space used, backups, your name' },
];

/** `#/runs?id=…`: the path picks the page, the query (if any) what it shows. */
const splitHash = () => {
  const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?', 2);
  return { path: path || '/', query };
};

const currentPath = () => {
  const { path } = splitHash();
  return ROUTES.some((route) => route.path === path) ? path : '/';
};

const currentQuery = () => new URLSearchParams(splitHash().query);

class Router {
  path = $state(currentPath());
  route = $derived(ROUTES.find((route) => route.path === this.path) ?? ROUTES[0]!);
  query = $state.raw(currentQuery());

  constructor() {
    addEventListener('hashchange', () => {
      this.path = currentPath();
      this.query = currentQuery();
    });
  }
}

export const router = new Router();
