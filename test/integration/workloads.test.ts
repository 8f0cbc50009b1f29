import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { SIM_DURATION_ANNOTATION, SIM_EXIT_CODE_ANNOTATION } from '../../api/names.ts';
import { eventually, freshNamespace, kube, kubectl } from './harness.ts';

let ns = '';
before(async () => {
  ns = await freshNamespace('workloads');
});
after(async () => {
  await kube().core.deleteNamespace({ name: ns });
});

const pod = (name: string, annotations: Record<string, string> = {}): V1Pod => ({
  metadata: { name, annotations },
  spec: {
    schedulerName: 'nobody',
    containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
  },
});

async function bind(name: string, node = 'kwok-node-0000'): Promise<void> {
  const { core } = kube();
  const p = await core.readNamespacedPod({ name, namespace: ns });
  await core.createNamespacedPodBinding({
    name,
    namespace: ns,
    body: {
      metadata: { name, namespace: ns, uid: p.metadata?.uid },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    },
  });
}

const phaseOf = async (name: string): Promise<string | undefined> =>
  (await kube().core.readNamespacedPod({ name, namespace: ns })).status?.phase;

describe('workloads on kwok nodes', () => {
  it('a Deployment applied with kubectl gets its pods from the controller-manager', async () => {
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
      },
    };
    const out = await kubectl(['apply', '-f', '-'], JSON.stringify(manifest));
    assert.match(out, /deployment.apps\/web created/);
    const pods = await eventually('3 pods of the Deployment', async () => {
      const list = await kube().core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' });
      return list.items.length === 3 ? list.items : false;
    });
    // No scheduler runs by default: the pods wait for one.
    assert.ok(pods.every((p) => !p.spec?.nodeName && p.status?.phase === 'Pending'));
  });

  it('a pod bound through the Binding subresource is marked Running by kwok', async () => {
    await kube().core.createNamespacedPod({ namespace: ns, body: pod('bound') });
    await bind('bound');
    await eventually('pod Running', async () => (await phaseOf('bound')) === 'Running');
    const p = await kube().core.readNamespacedPod({ name: 'bound', namespace: ns });
    assert.equal(p.spec?.nodeName, 'kwok-node-0000');
    assert.ok(p.status?.podIP, 'kwok gives the pod an IP');
  });

  it('a duration-annotated pod Succeeds after its duration', async () => {
    await kube().core.createNamespacedPod({ namespace: ns, body: pod('short', { [SIM_DURATION_ANNOTATION]: '2s' }) });
    await bind('short', 'kwok-node-0001');
    await eventually('pod Running', async () => (await phaseOf('short')) === 'Running');
    const runningAt = Date.now();
    await eventually('pod Succeeded', async () => (await phaseOf('short')) === 'Succeeded', 20_000);
    assert.ok(Date.now() - runningAt >= 1_500, 'it ran for about its duration');
    const p = await kube().core.readNamespacedPod({ name: 'short', namespace: ns });
    assert.equal(p.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
  });

  it('a pod with an exit code Fails with that code', async () => {
    await kube().core.createNamespacedPod({
      namespace: ns,
      body: pod('crash', { [SIM_DURATION_ANNOTATION]: '1s', [SIM_EXIT_CODE_ANNOTATION]: '3' }),
    });
    await bind('crash');
    await eventually('pod Failed', async () => (await phaseOf('crash')) === 'Failed', 20_000);
    const p = await kube().core.readNamespacedPod({ name: 'crash', namespace: ns });
    assert.equal(p.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 3);
  });

  it('a Job completes once its bound pod completes', async () => {
    const { batch, core } = kube();
    await batch.createNamespacedJob({
      namespace: ns,
      body: {
        metadata: { name: 'once' },
        spec: {
          backoffLimit: 0,
          template: {
            spec: { restartPolicy: 'Never', schedulerName: 'nobody', containers: [{ name: 'c', image: 'busybox' }] },
          },
        },
      },
    });
    const jobPod = await eventually('the Job pod', async () => {
      const list = await core.listNamespacedPod({ namespace: ns, labelSelector: 'job-name=once' });
      return list.items[0];
    });
    await bind(jobPod.metadata?.name ?? '', 'kwok-node-0002');
    await eventually(
      'Job Complete',
      async () => (await batch.readNamespacedJob({ name: 'once', namespace: ns })).status?.succeeded === 1,
      30_000,
    );
  });

  it('a pod without a duration keeps running until deleted, then disappears', async () => {
    const { core } = kube();
    await core.createNamespacedPod({ namespace: ns, body: pod('forever') });
    await bind('forever');
    await eventually('pod Running', async () => (await phaseOf('forever')) === 'Running');
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal(await phaseOf('forever'), 'Running');
    await core.deleteNamespacedPod({ name: 'forever', namespace: ns });
    await eventually('pod gone', async () => {
      const list = await core.listNamespacedPod({ namespace: ns, fieldSelector: 'metadata.name=forever' });
      return list.items.length === 0;
    });
  });
});
