import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startGateway, type GatewayFixture } from '../integration/gateway/fixture.ts';

/**
 * End to end with the real Python client `yarn-api-client` (PyPI, pinned in hack/ensure-yarn-api-client.sh): a
 * gateway wired as `loom gateway` wires it (real Redis and apiserver from the local cluster) is driven by
 * yarn-api-client/check.py, which uses `ResourceManager` + `SimpleAuth` the way its users do. Runs inside
 * hack/with-test-cluster.sh (`npm run test:e2e`), or against a running cluster after `eval "$(loom cluster env)"`.
 */

const run = promisify(execFile);
const repo = new URL('../../', import.meta.url).pathname;
const checkScript = new URL('./yarn-api-client/check.py', import.meta.url).pathname;

/** Every check check.py reports, in order; a check that disappears or is renamed must be noticed here. */
const EXPECTED_CHECKS = [
  'connect',
  'cluster_information',
  'cluster_metrics',
  'cluster_scheduler',
  'cluster_scheduler_queue',
  'cluster_nodes',
  'cluster_node',
  'anonymous_write_refused',
  'cluster_new_application',
  'cluster_submit_application',
  'cluster_application',
  'cluster_application_state',
  'cluster_application_attempts',
  'cluster_application_timeouts',
  'cluster_applications',
  'cluster_applications_states',
  'cluster_applications_queue',
  'cluster_applications_types',
  'cluster_applications_tags',
  'cluster_applications_user',
  'cluster_applications_name',
  'cluster_applications_started_time',
  'cluster_applications_limit',
  'cluster_applications_combined',
  'cluster_applications_invalid_state',
  'cluster_application_kill_forbidden',
  'cluster_application_queue',
  'cluster_application_priority',
  'cluster_application_timeout',
  'cluster_application_kill',
  'cluster_application_killed',
  'cluster_application_kill_again',
  'cluster_applications_after_kill',
  'cluster_application_statistics',
  'cluster_metrics_after',
  'cleanup',
  'done',
];

type CheckLine = { check: string; ok: boolean; error?: string } & Record<string, unknown>;
interface Exchange {
  method: string;
  path: string;
  query: Record<string, string>;
  accept: string | null;
  contentType: string | null;
  cookie: string | null;
  status: number;
  setCookie: boolean;
}

let gw: GatewayFixture;
let python: string;
let tmp: string;
let baseUrl: string;
/** What check.py printed and what the client sent, filled by the first test. */
let result: { checks: Map<string, CheckLine>; trace: Exchange[] } | undefined;

before(async () => {
  // Idempotent: a no-op (~0.3 s) once the venv holds the pinned version; a cold install takes ~10-15 s.
  const ensured = await run('bash', [join(repo, 'hack/ensure-yarn-api-client.sh')], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  python = ensured.stdout.trim().split('\n').at(-1) ?? '';
  assert.match(python, /\/bin\/python$/, `ensure-yarn-api-client.sh printed no python path:\n${ensured.stderr}`);
  tmp = await mkdtemp(join(tmpdir(), 'loom-e2e-yarn-api-client-'));
  gw = await startGateway();
  const address = gw.server.address();
  assert.ok(address && typeof address === 'object');
  assert.equal(address.address, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${address.port}`;
});

after(async () => {
  await gw?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('yarn-api-client against the gateway', () => {
  it('passes every check of check.py (info, metrics, scheduler, nodes, submit, filters, kill)', async () => {
    const tracePath = join(tmp, 'trace.jsonl');
    let stdout: string;
    try {
      ({ stdout } = await run(python, [checkScript, baseUrl, '--user', 'alice', '--trace', tracePath], {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1' },
      }));
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      assert.fail(`check.py exited ${e.code ?? '?'}\n--- stdout\n${e.stdout ?? ''}\n--- stderr\n${e.stderr ?? ''}`);
    }
    const lines = stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as CheckLine);
    const failed = lines.filter((l) => !l.ok);
    assert.deepEqual(failed, [], `failed checks: ${JSON.stringify(failed)}`);
    assert.deepEqual(
      lines.map((l) => l.check),
      EXPECTED_CHECKS,
    );
    const trace = (await readFile(tracePath, 'utf8'))
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Exchange);
    result = { checks: new Map(lines.map((l) => [l.check, l])), trace };
  });

  it('reports the values the gateway holds: ids, queue, states', async () => {
    assert.ok(result, 'check.py did not run');
    const info = (await (await fetch(`${baseUrl}/ws/v1/cluster/info`)).json()) as { clusterInfo: { id: number } };
    const created = result.checks.get('cluster_new_application');
    const appId = String(created?.id);
    assert.match(appId, new RegExp(`^application_${info.clusterInfo.id}_\\d{4}$`));
    assert.equal(result.checks.get('cluster_application')?.queue, 'root.spark');
    assert.equal(result.checks.get('cluster_application')?.applicationType, 'SPARK');
    // Admitted at submission (ADR 0003); no translator consumes this gateway's queues, so the app has no attempt
    // and a kill completes at once.
    assert.equal(result.checks.get('cluster_application_state')?.state, 'ACCEPTED');
    assert.equal(result.checks.get('cluster_application_kill')?.answered, 'KILLED');
    assert.equal(result.checks.get('cluster_application_queue')?.to, 'root.spark');
    // The local cluster's kwok nodes, seen as NodeManagers.
    const nodes = result.checks.get('cluster_nodes');
    assert.ok(Number(nodes?.nodes) >= 1, JSON.stringify(nodes));
    assert.match(String(result.checks.get('cluster_node')?.id), /:8041$/);
    // The submission and the kill reached the translator's intake (BullMQ job ids are the app ids).
    assert.ok(await gw.submitQueue.getJob(appId), `no submit job for ${appId}`);
    const kill = await gw.killQueue.getJob(appId);
    assert.ok(kill, `no kill job for ${appId}`);
    assert.equal((kill.data as { user?: string }).user, 'alice');
  });

  it('authenticates as SimpleAuth does: user.name once per client on the /cluster probe, then the cookie', () => {
    assert.ok(result, 'check.py did not run');
    const { trace } = result;
    const named = trace.filter((x) => 'user.name' in x.query);
    // alice, bob and mallory: three SimpleAuth instances, one login each (the anonymous client has no auth).
    assert.deepEqual(
      named.map((x) => `${x.method} ${x.path}?user.name=${x.query['user.name']} -> ${x.status}`),
      [
        'GET /cluster?user.name=alice -> 200',
        'GET /cluster?user.name=bob -> 200',
        'GET /cluster?user.name=mallory -> 200',
      ],
    );
    assert.ok(
      named.every((x) => x.setCookie),
      'the gateway did not set hadoop.auth on a ?user.name= request',
    );
    const ws = trace.filter((x) => x.path.startsWith('/ws/v1/cluster'));
    assert.ok(ws.length > 50, `only ${ws.length} REST calls traced`);
    // Reads go out with requests' defaults (Accept */*, so JSON is the default type), writes as JSON bodies.
    assert.ok(ws.every((x) => x.accept === '*/*'));
    assert.ok(ws.filter((x) => x.method !== 'GET').every((x) => x.contentType === 'application/json'));
    // Every write carried a cookie and no user.name, except the anonymous client's refused one.
    const writes = ws.filter((x) => x.method !== 'GET');
    const anonymous = writes.filter((x) => !x.cookie);
    assert.deepEqual(
      anonymous.map((x) => `${x.method} ${x.path} -> ${x.status}`),
      ['POST /ws/v1/cluster/apps/new-application -> 401'],
    );
    assert.ok(
      writes.filter((x) => x.cookie).every((x) => /^hadoop\.auth="?u=(alice|bob|mallory)&/.test(x.cookie ?? '')),
    );
    const paths = new Set(ws.map((x) => `${x.method} ${x.path.replace(/application_\d+_\d+/, '{id}')}`));
    for (const p of [
      'GET /ws/v1/cluster/info',
      'GET /ws/v1/cluster/metrics',
      'GET /ws/v1/cluster/scheduler',
      'GET /ws/v1/cluster/nodes',
      'POST /ws/v1/cluster/apps/new-application',
      'POST /ws/v1/cluster/apps',
      'GET /ws/v1/cluster/apps',
      'GET /ws/v1/cluster/apps/{id}',
      'GET /ws/v1/cluster/apps/{id}/state',
      'PUT /ws/v1/cluster/apps/{id}/state',
      'GET /ws/v1/cluster/appstatistics',
    ]) {
      assert.ok(paths.has(p), `the client never called ${p}`);
    }
  });
});
