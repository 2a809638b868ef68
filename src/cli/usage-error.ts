import { LockstepError } from '../core/errors.ts';

/** Wrong command-line usage: printed as one line with a pointer to `--help`. */
export class UsageError extends LockstepError {
  constructor(message: string) {
    super('usage', message);
    this.name = 'UsageError';
  }
}
