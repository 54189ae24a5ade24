import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const HOW_TO_GET_ONE =
  'No Chromium found for the browser tests. Install one with "apt-get install -y chromium" ' +
  '(Debian/Ubuntu), or point CHROMIUM_PATH at a Chromium or Chrome binary.';

export function findChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', playwrightChromium()];
  for (const candidate of candidates) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  if (process.env.CHROMIUM_PATH) {
    throw new Error(`CHROMIUM_PATH is set to "${process.env.CHROMIUM_PATH}", which does not exist. ${HOW_TO_GET_ONE}`);
  }
  throw new Error(HOW_TO_GET_ONE);
}

function playwrightChromium(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

export const chromiumArgs = (options: { webgpu?: boolean } = {}) => [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  ...(options.webgpu ? ['--enable-unsafe-webgpu'] : []),
];
