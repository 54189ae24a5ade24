#!/usr/bin/env node
// The Bunsen command line: the lab's core, run by Node.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
