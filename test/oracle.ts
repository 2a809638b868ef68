import { execFileSync } from 'node:child_process';
import { PYTHON } from './shared-data.ts';

/** What every strategy oracle script prints. */
export interface OracleResult {
  fills: Array<{ side: 'buy' | 'sell'; price: number; qty: number; row?: number; date?: string }>;
  finalValue: number;
  cash: number;
  position: number;
}

/** Runs an independent Python oracle script and parses its JSON output. */
export function runOracle(script: string, args: readonly (string | number)[]): OracleResult {
  return JSON.parse(execFileSync(PYTHON, [script, ...args.map(String)], { maxBuffer: 64 << 20 }).toString()) as OracleResult;
}
