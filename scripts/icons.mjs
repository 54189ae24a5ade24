#!/usr/bin/env node
// Renders public/icons/icon.svg into the PNG icons the web app manifest lists.
// Run after changing the SVG: node scripts/icons.mjs
import { readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { chromiumArgs, findChromium } from './chromium.mjs';

const svg = readFileSync('public/icons/icon.svg', 'utf8');
const browser = await chromium.launch({
  executablePath: findChromium(),
  args: chromiumArgs(),
});
const page = await browser.newPage();
const render = async (size, file, padding = 0) => {
  await page.setViewportSize({ width: size, height: size });
  const inner = size - 2 * padding;
  await page.setContent(
    `<html><body style="margin:0;background:${padding ? '#101418' : 'transparent'}">` +
      `<div style="padding:${padding}px">${svg.replace('<svg ', `<svg width="${inner}" height="${inner}" `)}</div></body></html>`,
  );
  await page.screenshot({ path: `public/icons/${file}`, omitBackground: !padding });
};
await render(192, 'icon-192.png');
await render(512, 'icon-512.png');
await render(512, 'icon-maskable-512.png', 64);
await browser.close();
