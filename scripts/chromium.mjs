// Finds a Chromium for browser tests and benchmarks, and the flags it runs with on this platform.
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const HOW_TO_GET_ONE =
  'No Chromium found for the browser tests. Install one with "apt-get install -y chromium" ' +
  '(Debian/Ubuntu), or point CHROMIUM_PATH at a Chromium or Chrome binary.';

function playwrightChromium() {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

/** @returns {string} */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(
      `CHROMIUM_PATH is set to "${fromEnv}", which does not exist. ${HOW_TO_GET_ONE}`,
    );
  }
  for (const candidate of ['/usr/bin/chromium', playwrightChromium()]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  throw new Error(HOW_TO_GET_ONE);
}

/** @param {{ webgpu?: boolean }} [options] */
export const chromiumArgs = (options = {}) => [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  ...(options.webgpu ? ['--enable-unsafe-webgpu'] : []),
];
