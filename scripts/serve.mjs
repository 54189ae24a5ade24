#!/usr/bin/env node
// Serves the built lab (dist/) on localhost with the lab's Content Security Policy as a header.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { contentSecurityPolicy } from './csp.mjs';

/**
 * @param {{ root?: string, port?: number, host?: string,
 *   intercept?: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean }} [options]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startServer(options = {}) {
  const root = resolve(options.root ?? 'dist');
  if (!existsSync(resolve(root, 'index.html'))) {
    throw new Error(`Nothing to serve: ${root}/index.html is missing. Run "npm run build" first.`);
  }
  const assets = sirv(root, {
    dev: false,
    etag: true,
    setHeaders(res, pathname) {
      res.setHeader('Content-Security-Policy', contentSecurityPolicy);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      if (pathname === '/sw.js' || pathname.endsWith('.html') || pathname === '/') {
        res.setHeader('Cache-Control', 'no-cache');
      }
    },
  });
  const server = createServer((req, res) => {
    if (options.intercept?.(req, res)) return;
    assets(req, res, () => {
      res.statusCode = 404;
      res.end('Not found');
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => done(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${port}/`,
    // A browser keeps its connections open; closing stops waiting for them (a minute or more).
    close: () =>
      new Promise((done) => {
        server.close(() => done(undefined));
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const portArg = process.argv.indexOf('--port');
  const port = Number(portArg > 0 ? process.argv[portArg + 1] : (process.env.PORT ?? 4173));
  try {
    const rootArg = process.argv.indexOf('--root');
    const root = rootArg > 0 ? process.argv[rootArg + 1] : undefined;
    const { url } = await startServer({ port, root });
    console.log(`Bunsen is running at ${url}  (Ctrl+C to stop)`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
