/** Base class of every error Lockstep raises on purpose; `code` is stable for callers. */
export class LockstepError extends Error {
  /** Stable machine-readable code, e.g. `data`, `config`, `invariant`. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'LockstepError';
    this.code = code;
  }
}

/** Where in an input a problem was found. */
export interface DataLocation {
  /** File path (or source name) the value came from. */
  file: string;
  /** 1-based line or row number, counting the header as row 1 for text files. */
  row: number;
  /** Column / field name, when one field is at fault. */
  field?: string;
}

/** Bad input data: names the file, row and field and says how to fix it. */
export class DataError extends LockstepError {
  /** Where the bad value is. */
  readonly location: DataLocation;
  /** What the user can do about it. */
  readonly fix: string;
  /** What is wrong, without the location and the fix. */
  readonly problem: string;
  constructor(location: DataLocation, problem: string, fix: string) {
    const where = `${location.file}:${location.row}${location.field ? ` field "${location.field}"` : ''}`;
    super('data', `${where}: ${problem}. ${fix}`);
    this.name = 'DataError';
    this.location = location;
    this.fix = fix;
    this.problem = problem;
  }
}

/**
 * A bad run configuration, CLI flag or strategy parameter. `usage` marks what the user
 * typed or wrote wrong (a schema violation, an unknown strategy): the CLI exits 2 for it.
 */
export class ConfigError extends LockstepError {
  constructor(message: string, kind: 'config' | 'usage' = 'config') {
    super(kind, message);
    this.name = 'ConfigError';
  }
}

/** A broken internal invariant: a bug in Lockstep, not in the user's input. */
export class InvariantError extends LockstepError {
  constructor(message: string) {
    super('invariant', message);
    this.name = 'InvariantError';
  }
}
