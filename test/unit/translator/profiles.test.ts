import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { submissionProblem } from '../../../api/submission.ts';
import type { AppRecord } from '../../../api/yarn.ts';
import {
  expandYarnTokens,
  flinkSizeMiB,
  sizeMiB,
  systemProperties,
  tokenize,
} from '../../../translator/profiles/command.ts';
import { profileFor } from '../../../translator/profiles/registry.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures');

/** The app record the gateway would have stored for a submission (only what profiles read). */
function appFor(s: {
  'application-id': string;
  'application-type'?: string;
  resource: { memory: number; vCores: number };
  'application-tags': string[];
  'unmanaged-AM': boolean;
}): AppRecord {
  return {
    id: s['application-id'],
    applicationType: s['application-type'] ?? 'YARN',
    amResource: { memory: s.resource.memory || 1024, vCores: s.resource.vCores || 1 },
    tags: s['application-tags'].map((t) => t.toLowerCase()),
    unmanagedAM: s['unmanaged-AM'],
  } as AppRecord;
}

describe('profiles (golden)', () => {
  for (const file of readdirSync(join(fixtures, 'submissions')).sort()) {
    it(`${file} → plans/${file}`, () => {
      const parsed = submissionProblem(JSON.parse(readFileSync(join(fixtures, 'submissions', file), 'utf8')));
      assert.ok(parsed.ok, 'fixture is a valid submission');
      const submission = parsed.value;
      const result = profileFor(submission['application-type'] ?? 'YARN')({ app: appFor(submission), submission });
      const golden = join(fixtures, 'plans', file);
      const text = `${JSON.stringify(result, null, 2)}\n`;
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) writeFileSync(golden, text);
      assert.equal(text, readFileSync(golden, 'utf8'), `plan differs from ${golden} (UPDATE_GOLDEN=1 to accept)`);
    });
  }
});

describe('reading AM commands', () => {
  it('tokenizes like a shell, quotes and escapes included', () => {
    assert.deepEqual(tokenize(`java -Da='b c' "x\\"y" z\\ w`), ['java', '-Da=b c', 'x"y', 'z w']);
    assert.throws(() => tokenize("java 'oops"), /unbalanced/);
  });
  it('expands YARN tokens for the pod shell', () => {
    assert.equal(
      expandYarnTokens('{{JAVA_HOME}}/bin/java -cp {{PWD}}<CPS>x 1><LOG_DIR>/stdout'),
      '$JAVA_HOME/bin/java -cp $PWD:x 1>$LOG_DIR/stdout',
    );
  });
  it('reads -Dkey=value and Flink-style -D key=value properties', () => {
    const props = systemProperties(tokenize('java -Da=1 -D b=2 -D c -Dd=x=y'));
    assert.deepEqual(
      [...props],
      [
        ['a', '1'],
        ['b', '2'],
        ['d', 'x=y'],
      ],
    );
  });
  it('reads Flink memory sizes, bytes when bare', () => {
    assert.equal(flinkSizeMiB('1728m'), 1728);
    assert.equal(flinkSizeMiB('4 gb'), 4096);
    assert.equal(flinkSizeMiB('268435456b'), 256);
    assert.equal(flinkSizeMiB('1048576'), 1);
    assert.equal(flinkSizeMiB('lots'), undefined);
  });
  it('reads JVM sizes in MiB', () => {
    assert.equal(sizeMiB('4g'), 4096);
    assert.equal(sizeMiB('512m'), 512);
    assert.equal(sizeMiB('1536'), 1536);
    assert.equal(sizeMiB('100k'), 1);
    assert.equal(sizeMiB('lots'), undefined);
  });
});
