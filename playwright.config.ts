import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4317);
// E2E_ROOT serves another build folder (e.g. `vite build --outDir /tmp/dist-x`) instead of dist/.
const root = process.env.E2E_ROOT ? ` --root ${process.env.E2E_ROOT}` : '';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}/`,
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `node scripts/serve.mjs --port ${port}${root}`,
    url: `http://localhost:${port}/`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
