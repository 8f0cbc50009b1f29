import { execFile } from 'node:child_process';

/**
 * Creates `objects` with `parallel` `kubectl create -f -` processes side by side, each fed one List of a contiguous
 * slice (kubectl creates a List's items one after another on one connection), as the local cluster creates its
 * nodes (hack/local-cluster/kube-client.ts). Much faster than client-node 1.4, which opens a TLS connection per
 * request. Items are created roughly in order within each slice. Rejects on any error, AlreadyExists included.
 */
export async function createWithKubectl(
  kubectl: string,
  kubeconfig: string,
  objects: readonly object[],
  parallel = 8,
  timeoutMs = 600_000,
): Promise<void> {
  if (objects.length === 0) return;
  const chunk = Math.ceil(objects.length / parallel);
  const parts = Array.from({ length: Math.ceil(objects.length / chunk) }, (_, i) =>
    objects.slice(i * chunk, (i + 1) * chunk),
  );
  await Promise.all(parts.map((part) => createList(kubectl, kubeconfig, part, timeoutMs)));
}

function createList(kubectl: string, kubeconfig: string, items: readonly object[], timeoutMs: number): Promise<void> {
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
  return new Promise<void>((resolve, reject) => {
    const child = execFile(
      kubectl,
      ['--kubeconfig', kubeconfig, 'create', '-f', '-', '-o', 'name'],
      { maxBuffer: 64 << 20, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (err, _stdout, stderr) => {
        if (!err) return resolve();
        const lines = stderr.split('\n').filter((l) => l.trim() !== '');
        reject(
          new Error(`kubectl create of ${items.length} objects failed: ${lines.slice(0, 3).join('; ') || err.message}`),
        );
      },
    );
    child.stdin?.end(list);
  });
}
