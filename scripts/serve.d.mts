import type { IncomingMessage, ServerResponse } from 'node:http';

export function startServer(options?: {
  root?: string;
  port?: number;
  host?: string;
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
}): Promise<{ url: string; close: () => Promise<void> }>;
