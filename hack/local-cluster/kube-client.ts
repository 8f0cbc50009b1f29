import { execFile } from 'node:child_process';
import { request } from 'node:https';
import { promisify } from 'node:util';
import { ApiException, CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import { GROUP, QUEUE, SCHEDULING_UNIT } from '../../api/names.ts';

/** Narrow client for what the local cluster does to its own apiserver; wraps @kubernetes/client-node. */
export class LocalKubeClient {
  readonly core: CoreV1Api;

  constructor(readonly kubeconfig: string) {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  /** Creates nodes with bounded concurrency; an existing node is left as it is. */
  async createNodes(nodes: V1Node[], concurrency = 32): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < nodes.length) {
        const body = nodes[next++];
        if (!body) continue;
        try {
          await this.core.createNode({ body });
        } catch (err) {
          if (!(err instanceof ApiException && err.code === 409)) throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, nodes.length) }, worker));
  }

  async deleteNodes(names: string[], concurrency = 32): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < names.length) {
        const name = names[next++];
        if (!name) continue;
        try {
          await this.core.deleteNode({ name });
        } catch (err) {
          if (!(err instanceof ApiException && err.code === 404)) throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, names.length) }, worker));
  }

  async listNodes(labelSelector: string): Promise<V1Node[]> {
    const list = await this.core.listNode({ labelSelector });
    return list.items;
  }
}

/** A node counts as ready when kwok reports Ready and the node lifecycle controller lifted the not-ready taint. */
export function isNodeReady(node: V1Node): boolean {
  const ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const tainted = node.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/not-ready') ?? false;
  return ready && !tainted;
}

/** GET `path` on the apiserver with the admin token; resolves to the status code (0 when unreachable). */
export function apiserverGet(port: number, path: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        headers: { authorization: `Bearer ${token}` },
        rejectUnauthorized: false,
        timeout: 2_000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

/**
 * Applies the CRDs of the kustomization in `dir` with kubectl (server-side apply) and waits until they are Established.
 * kubectl rather than client-node: the client's typed serializer silently drops `default` and
 * `x-kubernetes-validations` from a CRD written with its JSON field names.
 */
export async function applyCrds(kubectl: string, kubeconfig: string, dir: string): Promise<void> {
  const run = promisify(execFile);
  await run(kubectl, ['--kubeconfig', kubeconfig, 'apply', '--server-side', '--force-conflicts', '-k', dir]);
  await run(kubectl, [
    '--kubeconfig',
    kubeconfig,
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    ...[SCHEDULING_UNIT.plural, QUEUE.plural].map((plural) => `crd/${plural}.${GROUP}`),
  ]);
}

/** `kubectl apply --server-side` of a manifest file. */
export async function applyManifests(kubectl: string, kubeconfig: string, file: string): Promise<void> {
  await promisify(execFile)(kubectl, [
    '--kubeconfig',
    kubeconfig,
    'apply',
    '--server-side',
    '--force-conflicts',
    '-f',
    file,
  ]);
}

/**
 * Creates nodes through `kubectl create` of Lists: few connections, where client-node 1.4 opens a new TLS connection
 * per request (measured: 40 nodes/s against several hundred). Existing nodes are skipped.
 */
export async function createNodesWithKubectl(
  kubectl: string,
  kubeconfig: string,
  nodes: readonly V1Node[],
  parallel = 8,
): Promise<void> {
  await createWithKubectl(kubectl, kubeconfig, nodes, { parallel, allowExisting: true });
}

/**
 * Creates `objects` with `parallel` `kubectl create -f -` processes side by side, each fed one List of a contiguous
 * slice (kubectl creates a List's items one after another on one connection). With `allowExisting`, AlreadyExists
 * is fine (a converge after a partial run); any other error rejects.
 */
export async function createWithKubectl(
  kubectl: string,
  kubeconfig: string,
  objects: readonly object[],
  o: { parallel?: number; timeoutMs?: number; allowExisting?: boolean } = {},
): Promise<void> {
  if (objects.length === 0) return;
  const chunk = Math.ceil(objects.length / (o.parallel ?? 8));
  const parts = Array.from({ length: Math.ceil(objects.length / chunk) }, (_, i) =>
    objects.slice(i * chunk, (i + 1) * chunk),
  );
  await Promise.all(parts.map((part) => createList(kubectl, kubeconfig, part, o)));
}

function createList(
  kubectl: string,
  kubeconfig: string,
  items: readonly object[],
  o: { timeoutMs?: number; allowExisting?: boolean },
): Promise<void> {
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
  return new Promise<void>((resolve, reject) => {
    const child = execFile(
      kubectl,
      ['--kubeconfig', kubeconfig, 'create', '-f', '-', '-o', 'name'],
      { maxBuffer: 64 << 20, ...(o.timeoutMs ? { timeout: o.timeoutMs, killSignal: 'SIGKILL' as const } : {}) },
      (err, _stdout, stderr) => {
        const real = stderr
          .split('\n')
          .filter((l) => l.trim() !== '' && !(o.allowExisting && /AlreadyExists|already exists/.test(l)));
        if (err && (real.length > 0 || !o.allowExisting)) {
          reject(
            new Error(
              `kubectl create of ${items.length} objects failed: ${real.slice(0, 3).join('; ') || err.message}`,
            ),
          );
        } else resolve();
      },
    );
    child.stdin?.end(list);
  });
}
