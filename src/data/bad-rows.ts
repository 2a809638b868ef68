import { DataError, type DataLocation } from '../core/errors.ts';

/** What to do with a malformed row. */
export const BadRowPolicy = {
  /** Stop with a DataError naming file, row and field (default). */
  error: 'error',
  /** Skip the row, count it and keep examples for the run report. */
  skip: 'skip',
} as const;
export type BadRowPolicy = (typeof BadRowPolicy)[keyof typeof BadRowPolicy];

/** Count and first examples of rows skipped under the `skip` policy. */
export interface BadRowReport {
  /** Rows skipped. */
  skipped: number;
  /** The first problems, as full messages with file and row. */
  examples: string[];
}

const FIX = 'Fix or remove the row, or pass --on-bad-row skip to skip bad rows and count them';
const MAX_EXAMPLES = 20;

/** Applies the bad-row policy: throws under `error`, records under `skip`. */
export class BadRowHandler {
  readonly report: BadRowReport = { skipped: 0, examples: [] };
  constructor(readonly policy: BadRowPolicy) {}

  /** Handles one bad row; returns normally only when the row is to be skipped. */
  bad(location: DataLocation, problem: string): void {
    const err = new DataError(location, problem, FIX);
    if (this.policy === BadRowPolicy.error) throw err;
    this.report.skipped++;
    if (this.report.examples.length < MAX_EXAMPLES) this.report.examples.push(err.message);
  }
}
