import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { asFileError, makeDir, removeStaleTemps, tempSuffix } from '../core/files.ts';
import { plotlyFile, plotlyVersion, type PlotlyScript } from '../analytics/report/plotly-source.ts';
import { compareHtml } from '../analytics/report/compare.ts';
import { tearsheetHtml } from '../analytics/report/tearsheet.ts';
import type { SavedRun } from './read-run.ts';
import { readRunForReport } from './read-long-run.ts';
import { reportRunOf } from './report-of-run.ts';

/** Writes `file` whole or not at all: a temporary sibling renamed into place, removed on failure. */
export async function writeAtomically(file: string, text: string): Promise<void> {
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
 * plotly.js for the pages of a reports folder: one copy, `<root>/plotly-<version>.min.js`,
 * written once (whole or not at all); returns the `src` a page at `page` loads it by.
 * Reports stay small (the demo's: ~60 KB instead of 4.7 MB) and open offline.
 */
export async function sharedPlotly(root: string, page: string): Promise<PlotlyScript> {
  const name = `plotly-${plotlyVersion()}.min.js`;
  const file = join(root, name);
  if (!existsSync(file)) await writeAtomically(file, await readFile(plotlyFile(), 'utf8'));
  const rel = relative(dirname(page), file).split(sep).join('/');
  return { src: rel.startsWith('.') ? rel : `./${rel}` };
}

/**
 * Writes `<runDir>/report.html` and returns its path; from the saved files, or from `saved`
 * when the run is still in memory (savedRunOf). plotly.js is the reports folder's shared
 * copy, or inlined with `inline` (one standalone file to send around).
 */
export async function writeTearsheet(runDir: string, saved?: SavedRun, inline = false): Promise<string> {
  const run = await reportRunOf(saved ?? await readRunForReport(runDir));
  const file = join(runDir, 'report.html');
  await writeAtomically(file, tearsheetHtml(run, inline ? { inline: true } : await sharedPlotly(dirname(runDir), file)));
  return file;
}

/** Writes a comparison page of several run folders to `file` (plotly.js shared beside it). */
export async function writeComparison(runDirs: readonly string[], file: string): Promise<string> {
  const runs = await Promise.all(runDirs.map(async (d) => reportRunOf(await readRunForReport(d))));
  await makeDir(dirname(file));
  await writeAtomically(file, compareHtml(runs, await sharedPlotly(dirname(file), file)));
  return file;
}
