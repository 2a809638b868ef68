import { describe, expect, it } from 'vitest';
import { cli } from '../../test/cli.ts';
import { tempDir } from '../../test/tmp.ts';
import { jsonErrorLine, parseKeyPairs } from './key-files.ts';
import { liveCredentials } from './live-command.ts';

const tmp = tempDir();
const SECRET = 'Zq7secretValue9';

describe('key files: errors name the file and line, never the secret', () => {
  it('finds the line of a JSON error (checked by hand on each text)', () => {
    expect(jsonErrorLine(`{\n  "apiKey": "k",\n  "secret": ${SECRET}\n}`)).toBe(3); // unquoted value on line 3
    expect(jsonErrorLine(`{"apiKey": "k",\n"secret": "${SECRET}",\n}`)).toBe(3); // trailing comma: the '}' on line 3 is wrong
    expect(jsonErrorLine(`{"apiKey": "k", "secret": "${SECRET}"`)).toBe(1); // cut short on line 1
    expect(jsonErrorLine(`{"k":\n "sec\nret"}`)).toBe(2); // a newline inside a string
  });

  it('live --keys-file: a malformed file is named with its line; the secret is not in the message', () => {
    const f = tmp.file('live-keys.json', `{\n  "apiKey": "k1",\n  "secret": ${SECRET}\n}`);
    let msg = '';
    try {
      liveCredentials(f);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain(f);
    expect(msg).toContain('line 3');
    expect(msg).not.toContain(SECRET.slice(0, 4));
    expect(() => liveCredentials(tmp.file('array.json', '[1]'))).toThrow(/one JSON object/);
    expect(() => liveCredentials(tmp.file('missing.json', '{"apiKey": "k"}'))).toThrow(/needs string fields apiKey and secret/);
    expect(() => liveCredentials(`${tmp.dir}/nope.json`)).toThrow(/cannot read the keys file .*nope\.json: ENOENT/);
  });

  it('venue serve --keys-file: the same, through the CLI', async () => {
    const f = tmp.file('venue-keys.json', `{"k1": "${SECRET}",\n "k2": ${SECRET}}`);
    const r = await cli('venue', 'serve', '--data', tmp.dir, '--keys-file', f);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${f} is not valid JSON (line 2)`);
    expect(r.out + r.err).not.toContain(SECRET.slice(0, 4));
    const n = await cli('venue', 'serve', '--data', tmp.dir, '--keys-file', tmp.file('num.json', '{"k1": 5}'));
    expect(n.err).toMatch(/key k1 in .*num\.json needs a non-empty string secret/);
  });

  it('LOCKSTEP_LOOPBACK_KEYS: a pair with more or fewer than two parts is refused, not cut short', () => {
    expect([...parseKeyPairs('k1:s1,k2:s2', 'env')]).toEqual([['k1', 's1'], ['k2', 's2']]);
    expect(parseKeyPairs('', 'env').size).toBe(0);
    for (const bad of ['k1:abc:def', 'k1', 'k1:', ':s1', 'k1:s1,k2']) {
      let msg = '';
      try {
        parseKeyPairs(bad, 'LOCKSTEP_LOOPBACK_KEYS');
      } catch (e) {
        msg = (e as Error).message;
      }
      expect(msg, bad).toMatch(/LOCKSTEP_LOOPBACK_KEYS: entry \d( \(key k\d\))? is not key:secret/);
      expect(msg, bad).not.toMatch(/abc|def|s1/);
    }
  });
});
