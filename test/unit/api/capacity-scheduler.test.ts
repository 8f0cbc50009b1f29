import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import {
  CapacitySchedulerError,
  convertCapacityScheduler,
  parseHadoopConfiguration,
  type CapacitySchedulerImport,
} from '../../../api/capacity-scheduler.ts';
import { Queue } from '../../../api/queue.ts';

const repo = join(import.meta.dirname, '..', '..', '..');
const fixtures = join(repo, 'test', 'fixtures', 'capacity-scheduler');
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');
const P = 'yarn.scheduler.capacity.';

/** A capacity-scheduler.xml of `name → value` pairs. */
const xml = (props: Record<string, string>): string =>
  `<configuration>${Object.entries(props)
    .map(([n, v]) => `<property><name>${n}</name><value>${v}</value></property>`)
    .join('')}</configuration>`;
/** Properties under `yarn.scheduler.capacity.`. */
const cs = (props: Record<string, string>): string =>
  xml(Object.fromEntries(Object.entries(props).map(([k, v]) => [`${P}${k}`, v])));

const byName = (r: CapacitySchedulerImport): Map<string, Queue> => new Map(r.queues.map((q) => [q.metadata.name, q]));
const spec = (r: CapacitySchedulerImport, name: string): Queue['spec'] => {
  const q = byName(r).get(name);
  assert.ok(q, `no queue ${name} in ${r.queues.map((x) => x.metadata.name).join(',')}`);
  return q.spec;
};
const rejects = (text: string, message: RegExp): Promise<void> =>
  assert.rejects(convertCapacityScheduler(text), (err: unknown) => {
    assert.ok(err instanceof CapacitySchedulerError, `not a CapacitySchedulerError: ${String(err)}`);
    assert.match(err.message, message);
    return true;
  });

describe('capacity-scheduler.xml → Queue objects', () => {
  it("converts the local cluster's queues to what deploy/queues/local.yaml declares", async () => {
    const r = await convertCapacityScheduler(fixture('local.xml'));
    const declared = parseAllDocuments(readFileSync(join(repo, 'deploy', 'queues', 'local.yaml'), 'utf8')).map((d) =>
      Queue.parse(d.toJS()),
    );
    assert.deepEqual(r.queues, declared);
    assert.deepEqual(r.warnings, []);
  });

  it('converts a multi-level hierarchy: percentages, weights, tiers, states, ACLs, application limits', async () => {
    const r = await convertCapacityScheduler(fixture('multi-level.xml'));
    assert.deepEqual(r.warnings, []);
    // Parents before children, in the order of the .queues lists.
    assert.deepEqual(
      r.queues.map((q) => `${q.spec.parent ?? '-'}/${q.metadata.name}`),
      ['-/root', 'root/prod', 'prod/etl', 'prod/adhoc', 'root/dev', 'dev/team-a', 'dev/team-b'],
    );
    for (const q of r.queues) assert.deepEqual(Queue.parse(q), q);

    assert.deepEqual(spec(r, 'root').acl, { submit: ' ', administer: 'yarn hadoop-admins' });
    assert.equal(spec(r, 'root').capacity, 100);
    assert.deepEqual(spec(r, 'prod'), {
      parent: 'root',
      capacity: 60,
      maximumCapacity: 100,
      weight: 1,
      tier: 'reserved',
      state: 'RUNNING',
      acl: { submit: 'etl-bot,alice data-eng,analysts', administer: ' data-eng-leads' },
    });
    // loom.tier is inherited by the subtree; the explicit maximum-applications wins over the derivation.
    assert.equal(spec(r, 'etl').tier, 'reserved');
    assert.equal(spec(r, 'etl').maxApplications, 500);
    assert.equal(spec(r, 'adhoc').tier, 'reserved');
    assert.equal(spec(r, 'adhoc').maximumCapacity, 50);
    // maximum-applications 20000 × absolute capacity (0.6 × 0.3), as YARN derives a leaf's limit.
    assert.equal(spec(r, 'adhoc').maxApplications, 3600);
    assert.equal(spec(r, 'dev').tier, 'spot');
    assert.equal(spec(r, 'dev').maximumCapacity, 80);
    assert.equal(spec(r, 'dev').acl?.submit, '*'); // "* " is everyone
    assert.equal(spec(r, 'dev').maxApplications, undefined); // parents derive nothing
    // 2w + 1w: shares of 2/3 and 1/3, the configured weight kept.
    assert.equal(spec(r, 'team-a').capacity, 66.666667);
    assert.equal(spec(r, 'team-a').weight, 2);
    assert.equal(spec(r, 'team-a').maxApplications, 5333);
    assert.equal(spec(r, 'team-b').capacity, 33.333333);
    assert.equal(spec(r, 'team-b').weight, 1);
    assert.equal(spec(r, 'team-b').state, 'STOPPED'); // "stopped": YARN upper-cases the state
    // Unset ACLs below root are nobody (" "): rights come from ancestors, as in YARN.
    assert.deepEqual(spec(r, 'team-b').acl, { submit: ' ', administer: ' ' });
  });

  it('converts absolute resources to guaranteed/max with Kubernetes quantities (YARN memory is MiB)', async () => {
    const r = await convertCapacityScheduler(fixture('absolute.xml'));
    const batch = spec(r, 'batch');
    assert.deepEqual(batch.guaranteed, { memory: '102400Mi', cpu: '40' });
    assert.deepEqual(batch.max, { memory: '204800Mi', cpu: '80' });
    assert.equal(batch.capacity, undefined);
    assert.equal(batch.maximumCapacity, undefined);
    const interactive = spec(r, 'interactive');
    assert.deepEqual(interactive.guaranteed, { memory: '51200Mi', cpu: '20' }); // 50Gi → MiB
    assert.equal(interactive.maximumCapacity, 100); // unset maximum: 100% of the parent
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0] ?? '', /root\.interactive\.capacity: resource "yarn\.io\/gpu" is not converted/);
    // A percentage parent with absolute children: YARN's legacy mode refuses it; converted as written.
    const mixed = await convertCapacityScheduler(
      cs({ 'root.queues': 'a', 'root.a.capacity': '100', 'root.a.queues': 'x', 'root.a.x.capacity': '[memory=1G]' }),
    );
    assert.deepEqual(spec(mixed, 'x').guaranteed, { memory: '953Mi' }); // 10^9 bytes, truncated to MiB like YARN
    assert.match(mixed.warnings.join('\n'), /root\.a has a percent capacity but its children absolute resources/);
  });

  it('refuses malformed XML with the line of the fault', async () => {
    await rejects(fixture('malformed.xml'), /not well-formed XML: Unexpected close tag at line 10/);
    await rejects('', /empty document/);
    await rejects('<properties/>', /root element is <properties>, expected <configuration>/);
    await rejects(`${cs({ 'root.queues': 'a', 'root.a.capacity': '100' })}<configuration/>`, /content after/);
  });

  it('refuses a leaf name used twice in the tree, naming both queue paths', async () => {
    await rejects(
      fixture('duplicate-leaf.xml'),
      /queue root\.ml\.nightly: leaf name "nightly" is also root\.analytics\.nightly/,
    );
    await rejects(cs({ 'root.queues': 'a,a', 'root.a.capacity': '100' }), /root\.queues lists "a" twice/);
  });

  it('refuses queue names that are not Kubernetes names, naming the queue path', async () => {
    await rejects(
      cs({ 'root.queues': 'Prod', 'root.Prod.capacity': '100' }),
      /queue root\.Prod: "Prod" is not a valid/,
    );
    await rejects(cs({ 'root.queues': 'a', 'root.a.queues': 'under_score' }), /queue root\.a\.under_score/);
  });

  it('warns once per unsupported property and converts the rest', async () => {
    const r = await convertCapacityScheduler(fixture('unsupported.xml'));
    assert.deepEqual(
      r.queues.map((q) => q.metadata.name),
      ['root', 'default'],
    );
    assert.deepEqual(spec(r, 'default').acl, { submit: '*', administer: '*' });
    assert.equal(spec(r, 'default').maxApplications, undefined); // 10000 × 100%: the gateway's own default
    const expected = [
      'yarn.resourcemanager.scheduler.class',
      `${P}maximum-am-resource-percent`,
      `${P}resource-calculator`,
      `${P}root.default.user-limit-factor`,
      `${P}root.default.acl_application_max_priority`,
      `${P}root.default.maximum-application-lifetime`,
      `${P}root.default.default-application-lifetime`,
      `${P}root.default.ordering-policy`,
      `${P}root.default.accessible-node-labels`,
      `${P}root.auto-queue-creation-v2.enabled`,
      `${P}node-locality-delay`,
      `${P}queue-mappings`,
      `${P}root.retired.capacity`,
    ];
    assert.equal(r.warnings.length, expected.length, r.warnings.join('\n'));
    for (const key of expected) {
      assert.equal(r.warnings.filter((w) => w.startsWith(`${key}:`) || w.startsWith(`${key} =`)).length, 1, key);
    }
    assert.ok(r.warnings.some((w) => /root\.retired is not listed in yarn\.scheduler\.capacity\.root\.queues/.test(w)));
    // A template of auto-created queues is not mistaken for an unlisted queue.
    const template = await convertCapacityScheduler(
      cs({ 'root.queues': 'a', 'root.a.capacity': '100', 'root.a.leaf-queue-template.capacity': '10' }),
    );
    assert.match(
      template.warnings.join('\n'),
      /leaf-queue-template\.capacity = 10: auto-created queues are not supported/,
    );
  });

  it('warns when sibling percentages do not sum to 100, saying what YARN does', async () => {
    const r = await convertCapacityScheduler(
      cs({ 'root.queues': 'a,b', 'root.a.capacity': '50', 'root.b.capacity': '40' }),
    );
    assert.equal(spec(r, 'b').capacity, 40);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0] ?? '', /children of root sum to 90 \(a 50 \+ b 40\), not 100: YARN refuses to load/);
    // Within YARN's precision, and 0 under a 0% parent: no warning.
    const ok = await convertCapacityScheduler(
      cs({
        'root.queues': 'a,b,c',
        'root.a.capacity': '33.33',
        'root.b.capacity': '66.7',
        'root.c.capacity': '0',
        'root.b.queues': 'y',
        'root.b.y.capacity': '100',
        'root.c.queues': 'x',
        'root.c.x.capacity': '0',
      }),
    );
    assert.deepEqual(ok.warnings, []);
    const unset = await convertCapacityScheduler(cs({ 'root.queues': 'a' }));
    assert.equal(spec(unset, 'a').capacity, 0);
    assert.ok(unset.warnings.some((w) => /root\.a\.capacity is not set: YARN gives root\.a a capacity of 0/.test(w)));
    assert.ok(unset.warnings.some((w) => /sum to 0/.test(w)));
  });

  it('refuses siblings that mix percentages, weights and absolute resources', async () => {
    await rejects(
      cs({ 'root.queues': 'a,b', 'root.a.capacity': '50', 'root.b.capacity': '1w' }),
      /children of root mix capacity modes \(a: percent, b: weight\)/,
    );
    // 0% counts as no mode, as in YARN's legacy queue mode.
    const r = await convertCapacityScheduler(
      cs({ 'root.queues': 'a,b', 'root.a.capacity': '0', 'root.b.capacity': '1w' }),
    );
    assert.equal(spec(r, 'b').capacity, 100);
  });

  it('keeps fractional weights as shares and says the Loom weight stays 1', async () => {
    const r = await convertCapacityScheduler(
      cs({ 'root.queues': 'a,b', 'root.a.capacity': '1.5w', 'root.b.capacity': '0.5w' }),
    );
    assert.equal(spec(r, 'a').capacity, 75);
    assert.equal(spec(r, 'a').weight, 1);
    assert.equal(r.warnings.length, 2);
    assert.match(r.warnings[0] ?? '', /root\.a\.capacity = 1\.5w: Loom weights are whole numbers/);
  });

  it('reads maximum-capacity like YARN: -1 is 100, a weight is refused, below capacity warns', async () => {
    const base = { 'root.queues': 'a', 'root.a.capacity': '100' };
    assert.equal(
      spec(await convertCapacityScheduler(cs({ ...base, 'root.a.maximum-capacity': '-1' })), 'a').maximumCapacity,
      100,
    );
    await rejects(cs({ ...base, 'root.a.maximum-capacity': '2w' }), /maximum-capacity = "2w".*no weight form/);
    await rejects(
      cs({ ...base, 'root.a.maximum-capacity': '120' }),
      /maximum-capacity = 120: a percentage is from 0 to 100/,
    );
    await rejects(cs({ ...base, 'root.a.capacity': 'half' }), /capacity = "half": not a percentage/);
    const below = await convertCapacityScheduler(cs({ ...base, 'root.a.maximum-capacity': '50' }));
    assert.match(
      below.warnings.join('\n'),
      /maximum-capacity = 50: below the capacity of root\.a \(100\): YARN refuses/,
    );
  });

  it('takes the tier from loom.tier (inherited), else --tier, else spot', async () => {
    const text = cs({
      'root.queues': 'a,b',
      'root.a.capacity': '50',
      'root.b.capacity': '50',
      'root.b.loom.tier': 'Reserved',
    });
    const plain = await convertCapacityScheduler(text);
    assert.deepEqual(
      plain.queues.map((q) => q.spec.tier),
      ['spot', 'spot', 'reserved'],
    );
    const flagged = await convertCapacityScheduler(text, { tier: 'reserved' });
    assert.ok(flagged.queues.every((q) => q.spec.tier === 'reserved'));
    const spotB = await convertCapacityScheduler(text.replace('Reserved', 'spot'), { tier: 'reserved' });
    assert.equal(spec(spotB, 'b').tier, 'spot'); // the property wins over the flag
    await rejects(text.replace('Reserved', 'gold'), /root\.b\.loom\.tier = "gold": expected reserved or spot/);
  });

  it('inherits STOPPED from the parent and warns about a RUNNING child of a STOPPED parent', async () => {
    const props = {
      'root.queues': 'a',
      'root.a.capacity': '100',
      'root.a.state': 'STOPPED',
      'root.a.queues': 'x,y',
      'root.a.x.capacity': '50',
      'root.a.y.capacity': '50',
    };
    const r = await convertCapacityScheduler(cs(props));
    assert.equal(spec(r, 'x').state, 'STOPPED');
    const running = await convertCapacityScheduler(cs({ ...props, 'root.a.y.state': 'RUNNING' }));
    assert.equal(spec(running, 'y').state, 'RUNNING');
    assert.match(running.warnings.join('\n'), /root\.a\.y\.state = RUNNING under the STOPPED root\.a: YARN refuses/);
    await rejects(cs({ ...props, 'root.a.state': 'DRAINING' }), /YARN accepts RUNNING or STOPPED/);
  });

  it('reads ACLs like Hadoop: split at the first space, "*" anywhere is everyone, a space is nobody', async () => {
    const acl = async (value: string): Promise<string | undefined> =>
      spec(
        await convertCapacityScheduler(
          cs({ 'root.queues': 'a', 'root.a.capacity': '100', 'root.a.acl_submit_applications': value }),
        ),
        'a',
      ).acl?.submit;
    assert.equal(await acl('alice,bob'), 'alice,bob');
    assert.equal(await acl(' ops,dev'), ' ops,dev');
    assert.equal(await acl('alice, bob'), 'alice bob'); // Hadoop reads user "alice" and group "bob"
    assert.equal(await acl('alice,bob ops, dev '), 'alice,bob ops,dev');
    assert.equal(await acl(' *'), '*');
    assert.equal(await acl(' '), ' ');
    await assert.rejects(acl('alice, bob ops'), /YARN splits users from groups at the first space/);
  });

  it('reads the file as Hadoop Configuration does: empty values unset, last definition wins, final, ${var}', async () => {
    const conf = await parseHadoopConfiguration(`<configuration>
      <property><name> ${P}root.queues </name><value>a</value></property>
      <property><name>${P}root.a.capacity</name><value></value></property>
      <property><name>${P}root.a.maximum-capacity</name><value>50</value><final>true</final></property>
      <property><name>${P}root.a.maximum-capacity</name><value>60</value></property>
      <property><name>${P}root.a.maximum-applications</name><value>10</value></property>
      <property><name>${P}root.a.maximum-applications</name><value>\${base.apps}</value></property>
      <property name="base.apps" value="42"/>
      <property><value>orphan</value></property>
      <xi:include href="more.xml" xmlns:xi="http://www.w3.org/2001/XInclude"/>
    </configuration>`);
    assert.equal(conf.properties.get(`${P}root.queues`), 'a');
    assert.equal(conf.properties.has(`${P}root.a.capacity`), false);
    assert.equal(conf.properties.get(`${P}root.a.maximum-capacity`), '50');
    assert.equal(conf.properties.get(`${P}root.a.maximum-applications`), '42');
    assert.equal(conf.warnings.length, 4, conf.warnings.join('\n'));
    assert.match(conf.warnings.join('\n'), /after a <final>true<\/final> definition/);
    assert.match(conf.warnings.join('\n'), /defined more than once; the last definition wins/);
    assert.match(conf.warnings.join('\n'), /<property> without a <name>/);
    assert.match(conf.warnings.join('\n'), /<xi:include>: XInclude is not followed/);
  });

  it('derives leaf application limits from global-queue-max-application as YARN 3.4 does', async () => {
    const r = await convertCapacityScheduler(
      cs({
        'global-queue-max-application': '300',
        'maximum-applications': '5000',
        'root.queues': 'a,b',
        'root.a.capacity': '50',
        'root.b.capacity': '50',
        'root.b.maximum-applications': '-1',
      }),
    );
    assert.equal(spec(r, 'a').maxApplications, 300); // min(300, 5000), not scaled
    assert.equal(spec(r, 'b').maxApplications, 300); // -1: not set
    await rejects(
      cs({ 'maximum-applications': 'many', 'root.queues': 'a' }),
      /maximum-applications = "many": not an integer/,
    );
  });

  it('refuses a file that defines no queues, and warns about an absolute resource without memory', async () => {
    await rejects(xml({ 'yarn.resourcemanager.hostname': 'rm' }), /root\.queues is not set/);
    const r = await convertCapacityScheduler(cs({ 'root.queues': 'a', 'root.a.capacity': '[vcores=4]' }));
    assert.equal(spec(r, 'a').guaranteed, undefined);
    assert.match(r.warnings.join('\n'), /without memory YARN ignores an absolute resource/);
  });
});

describe('loom queues import (CLI)', () => {
  const node = process.execPath;
  const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(node, args, { cwd: repo, timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
    });
  /** The command as cli/main.ts runs it (commander program, same error handling), without the other commands. */
  const queuesCli = (args: string[]): ReturnType<typeof run> => {
    const commands = pathToFileURL(join(repo, 'cli', 'commands', 'queues.ts')).href;
    const script = `
      import { Command, CommanderError } from 'commander';
      import { registerQueuesCommand } from ${JSON.stringify(commands)};
      const program = new Command().name('loom');
      registerQueuesCommand(program);
      try { await program.parseAsync(process.argv.slice(1), { from: 'user' }); }
      catch (err) {
        if (err instanceof CommanderError) process.exit(err.exitCode);
        console.error('loom: ' + (err instanceof Error ? err.message : String(err)));
        process.exit(1);
      }`;
    return run(['--import', 'tsx', '--input-type=module', '-e', script, '--', ...args]);
  };
  const parseQueues = (yamlText: string): Queue[] =>
    parseAllDocuments(yamlText).map((d) => {
      assert.deepEqual(d.errors, []);
      return Queue.parse(d.toJS());
    });

  it('--dry-run prints YAML that parses back into the valid Queue objects', async () => {
    const file = join(fixtures, 'multi-level.xml');
    const { code, stdout, stderr } = await queuesCli(['queues', 'import', file, '--dry-run']);
    assert.equal(code, 0, stderr);
    const queues = parseQueues(stdout);
    assert.deepEqual(queues, (await convertCapacityScheduler(fixture('multi-level.xml'))).queues);
    assert.equal(stderr, '');
  });

  it('--dry-run --output json --tier reserved prints a List; warnings go to stderr', async () => {
    const { code, stdout, stderr } = await queuesCli([
      'queues',
      'import',
      join(fixtures, 'unsupported.xml'),
      '--dry-run',
      '--output',
      'json',
      '--tier',
      'reserved',
    ]);
    assert.equal(code, 0, stderr);
    const list = JSON.parse(stdout) as { kind: string; items: unknown[] };
    assert.equal(list.kind, 'List');
    const queues = list.items.map((i) => Queue.parse(i));
    assert.ok(queues.every((q) => q.spec.tier === 'reserved'));
    assert.equal(stderr.split('\n').filter((l) => l.startsWith('warning: ')).length, 13);
  });

  it('exits non-zero with the reason for a malformed or missing file', async () => {
    const bad = await queuesCli(['queues', 'import', join(fixtures, 'malformed.xml'), '--dry-run']);
    assert.notEqual(bad.code, 0);
    assert.match(
      bad.stderr,
      /^loom: queues import: .*malformed\.xml: not well-formed XML: Unexpected close tag at line 10/m,
    );
    assert.equal(bad.stdout, '');
    const dup = await queuesCli(['queues', 'import', join(fixtures, 'duplicate-leaf.xml'), '--dry-run']);
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /root\.ml\.nightly/);
    const missing = await queuesCli(['queues', 'import', join(fixtures, 'nope.xml'), '--dry-run']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /cannot read .*nope\.xml/);
    const tier = await queuesCli(['queues', 'import', join(fixtures, 'local.xml'), '--dry-run', '--tier', 'gold']);
    assert.notEqual(tier.code, 0);
    assert.match(tier.stderr, /Allowed choices are spot, reserved/);
  });

  it('node bin/loom.mjs queues import --dry-run', async () => {
    const { code, stdout, stderr } = await run([
      'bin/loom.mjs',
      'queues',
      'import',
      join(fixtures, 'local.xml'),
      '--dry-run',
    ]);
    assert.equal(code, 0, stderr);
    assert.deepEqual(
      parseQueues(stdout).map((q) => q.metadata.name),
      ['root', 'default', 'spark', 'flink'],
    );
  });
});
