#!/usr/bin/env node
// Entry of the `lockstep` command: registers the tsx loader so the TypeScript
// sources run directly on Node 20, then hands argv to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
