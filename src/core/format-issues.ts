import type { z } from 'zod';

/** One line per zod issue: `path: message`. */
export function formatIssues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
