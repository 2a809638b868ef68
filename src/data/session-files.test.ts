import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { DataError } from '../core/errors.ts';
import { CONTROL_FILE, recordedBarFiles, recordedControls } from './session-files.ts';

const tmp = tempDir();

describe('a recorded session folder', () => {
  it('controls: read in order; a torn line names the file and row', () => {
    const dir = tmp.file('controls');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, CONTROL_FILE), '{"kind":"pause","ts":10,"reason":"stale"}\n{"kind":"resume","ts":20}\n');
    expect(recordedControls(dir)).toEqual([{ kind: 'pause', ts: 10, reason: 'stale' }, { kind: 'resume', ts: 20 }]);
    writeFileSync(join(dir, CONTROL_FILE), '{"kind":"kill","ts":30}\n{"kind":"pau');
    let err: unknown = null;
    try {
      recordedControls(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).location).toEqual({ file: join(dir, CONTROL_FILE), row: 2 });
    expect(recordedControls(tmp.file('none'))).toEqual([]);
  });

  it('bars parts: only bars-NNNNN.parquet, in order (an older bars.parquet is not one)', async () => {
    const dir = tmp.file('bars');
    mkdirSync(dir, { recursive: true });
    for (const f of ['bars-00001.parquet', 'bars.parquet', 'bars-00000.parquet', 'deltas-00000.parquet']) writeFileSync(join(dir, f), '');
    expect(await recordedBarFiles(dir)).toEqual([join(dir, 'bars-00000.parquet'), join(dir, 'bars-00001.parquet')]);
    expect(await recordedBarFiles(join(dir, 'bars.parquet'))).toEqual([]);
  });
});
