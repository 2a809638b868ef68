import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { asFileError, removeStaleTemps, tempSuffix } from '../core/files.ts';
import { compareHtml } from '../analytics/report/compare.ts';
import { tearsheetHtml } from '../analytics/report/tearsheet.ts';
import type { SavedRun } from './read-run.ts';
import { readRunForReport } from './read-long-run.ts';
import { reportRunOf } from './report-of-run.ts';

/** Writes `file` whole or not at all: a temporary sibling renamed into place, removed on failure. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}${tempSuffix()}`;
  removeStaleTemps(dirname(file));
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw asFileError(e, file, 'write');
  }
}

/**
 * Writes `<runDir>/report.html` (a self-contained tearsheet) and returns its path; from the
 * saved files, or from `saved` when the run is still in memory (savedRunOf).
 */
export async function writeTearsheet(runDir: string, saved?: SavedRun): Promise<string> {
  const run = await reportRunOf(saved ?? await readRunForReport(runDir));
  const file = join(runDir, 'report.html');
  await writeAtomically(file, tearsheetHtml(run));
  return file;
}

/** Writes a comparison page of several run folders to `file`. */
export async function writeComparison(runDirs: readonly string[], file: string): Promise<string> {
  const runs = await Promise.all(runDirs.map(async (d) => reportRunOf(await readRunForReport(d))));
  await writeAtomically(file, compareHtml(runs));
  return file;
}
