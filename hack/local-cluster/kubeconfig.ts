import { stringify } from 'yaml';

/** Inputs of the admin kubeconfig the local cluster writes. */
export interface KubeconfigInput {
  server: string;
  /** PEM of the CA that signed the apiserver's serving certificate. */
  caPem: string;
  token: string;
  name?: string;
}

/** An admin kubeconfig (static token of a `system:masters` user) for kubectl, client-node and the components. */
export function renderKubeconfig({ server, caPem, token, name = 'loom-local' }: KubeconfigInput): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: `${name}-admin`, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin` } }],
    'current-context': name,
    preferences: {},
  });
}
