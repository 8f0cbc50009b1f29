import type { KeepAliveClient } from './keepalive-client.ts';

/** The pod an event is about. */
export interface EventSubject {
  namespace: string;
  name: string;
  uid?: string;
}

/**
 * Posts a core/v1 Event about a pod, as `kubectl describe pod` lists them. Best effort: an event that cannot be
 * written must never fail the action it reports, so errors are swallowed.
 */
export async function postPodEvent(
  client: KeepAliveClient,
  pod: EventSubject,
  e: { reason: string; message: string; type: 'Normal' | 'Warning'; component: string; host?: string },
): Promise<void> {
  const now = new Date().toISOString();
  await client
    .request('POST', `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/events`, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${pod.name}.`, namespace: pod.namespace },
      involvedObject: {
        kind: 'Pod',
        apiVersion: 'v1',
        namespace: pod.namespace,
        name: pod.name,
        ...(pod.uid ? { uid: pod.uid } : {}),
      },
      reason: e.reason,
      message: e.message,
      type: e.type,
      source: { component: e.component, ...(e.host ? { host: e.host } : {}) },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    })
    .catch(() => undefined);
}
