import { API_VERSION, GROUP, SCHEDULING_UNIT, UNIT_CONDITIONS, VERSION } from '../../api/names.ts';
import type { Member } from '../core/types.ts';
import type { UnitInfo } from '../core/unit.ts';
import type { UnitReporter } from '../pipeline.ts';
import type { KeepAliveClient } from '../../api/k8s/keepalive-client.ts';

const COMPONENT = 'loom-scheduler';
const EVENT_REPEAT_MS = 60_000;
const unitRef = (u: UnitInfo) => ({
  kind: SCHEDULING_UNIT.kind,
  apiVersion: API_VERSION,
  namespace: u.namespace,
  name: u.name,
  ...(u.uid ? { uid: u.uid } : {}),
});
const unitPath = (u: UnitInfo): string =>
  `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(u.namespace)}/${SCHEDULING_UNIT.plural}/${encodeURIComponent(u.name)}/status`;

/**
 * Tells users why units wait, the way kube-scheduler tells them about pods: a `Scheduled=False` condition and a
 * `FailedScheduling` event on the SchedulingUnit (or, for a lone pod, a `PodScheduled=False` condition and event on
 * the pod), so `kubectl describe` shows it. The pipeline calls this only when the reason changes, and writes are
 * fire-and-forget: a lost report is repaired by the next change, a slow one never holds up placement.
 */
export class KubeUnitReporter implements UnitReporter {
  constructor(
    private readonly client: KeepAliveClient,
    private readonly onError: (what: string, err: unknown) => void,
  ) {}

  /** Per object: whether a write is in flight, and the latest write waiting behind it. */
  private readonly lanes = new Map<string, { busy: boolean; next?: () => Promise<void> }>();

  private request(what: string, method: string, path: string, body: unknown, contentType?: string): Promise<void> {
    return this.client
      .request(method, path, body, contentType)
      .then((res) => {
        if (res.status >= 300 && res.status !== 404) this.onError(what, `${res.status} ${JSON.stringify(res.body)}`);
      })
      .catch((err: unknown) => this.onError(what, err));
  }

  /**
   * Writes to one object go one at a time and only the latest waiting one is kept: parallel connections would
   * otherwise let an older reason land after a newer one and stay there.
   */
  private send(what: string, method: string, path: string, body: unknown, contentType?: string): void {
    const write = (): Promise<void> => this.request(what, method, path, body, contentType);
    const lane = this.lanes.get(path) ?? { busy: false };
    this.lanes.set(path, lane);
    if (lane.busy) {
      lane.next = write;
      return;
    }
    lane.busy = true;
    const run = (w: () => Promise<void>): void => {
      void w().then(() => {
        const next = lane.next;
        lane.next = undefined;
        if (next) run(next);
        else {
          lane.busy = false;
          this.lanes.delete(path);
        }
      });
    };
    run(write);
  }

  /** Last event per object: the same reason is repeated at most once a minute (client-go's recorder aggregates too). */
  private readonly lastEvent = new Map<string, { reason: string; at: number }>();

  private event(
    involved: { kind: string; apiVersion: string; namespace: string; name: string; uid?: string },
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): void {
    const key = `${involved.kind}/${involved.namespace}/${involved.name}`;
    const last = this.lastEvent.get(key);
    const at = Date.now();
    if (last?.reason === reason && at - last.at < EVENT_REPEAT_MS) return;
    this.lastEvent.set(key, { reason, at });
    if (this.lastEvent.size > 50_000) this.lastEvent.clear(); // bounded memory; worst case an extra event
    const now = new Date(at).toISOString();
    void this.request(
      `event ${reason} on ${involved.name}`,
      'POST',
      `/api/v1/namespaces/${encodeURIComponent(involved.namespace)}/events`,
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { generateName: `${involved.name}.`, namespace: involved.namespace },
        involvedObject: involved,
        reason,
        message: message.slice(0, 1024),
        type,
        source: { component: COMPONENT },
        reportingComponent: COMPONENT,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    );
  }

  private unitStatus(u: UnitInfo, status: Record<string, unknown>): void {
    this.send(`status of ${u.key}`, 'PATCH', unitPath(u), { status }, 'application/merge-patch+json');
  }

  private condition(status: 'True' | 'False', reason: string, message: string): Record<string, unknown> {
    return { type: UNIT_CONDITIONS.scheduled, status, reason, message, lastTransitionTime: new Date().toISOString() };
  }

  /** `PodScheduled=False` and a `FailedScheduling` event on the pod itself, as kube-scheduler writes them. */
  private podPending(m: Member, message: string): void {
    const path = `/api/v1/namespaces/${encodeURIComponent(m.namespace)}/pods/${encodeURIComponent(m.name)}/status`;
    this.send(
      `condition of ${m.name}`,
      'PATCH',
      path,
      { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }] } },
      'application/strategic-merge-patch+json',
    );
    this.event(
      { kind: 'Pod', apiVersion: 'v1', namespace: m.namespace, name: m.name, ...(m.uid ? { uid: m.uid } : {}) },
      'Warning',
      'FailedScheduling',
      message,
    );
  }

  pending(unit: UnitInfo, members: readonly Member[], message: string): void {
    if (unit.key.startsWith('pod:')) {
      const m = members[0];
      if (m) this.podPending(m, message);
      return;
    }
    // No SchedulingUnit to write to: its pods are where `kubectl describe` will be looked at.
    if (unit.missing) {
      for (const m of members) this.podPending(m, message);
      return;
    }
    this.unitStatus(unit, { phase: 'Pending', conditions: [this.condition('False', 'Unschedulable', message)] });
    this.event(unitRef(unit), 'Warning', 'FailedScheduling', message);
  }

  scheduled(unit: UnitInfo, placed: number): void {
    if (unit.key.startsWith('pod:')) return; // kubelet and the pod's own condition say it: no extra write per pod
    const message = `${placed} member(s) placed, minMember ${unit.minMember}`;
    this.unitStatus(unit, {
      phase: 'Scheduled',
      scheduledTime: new Date().toISOString(),
      conditions: [this.condition('True', 'Scheduled', message)],
    });
    this.event(unitRef(unit), 'Normal', 'Scheduled', message);
  }

  timedOut(unit: UnitInfo, members: readonly Member[], message: string): void {
    if (unit.key.startsWith('pod:')) return this.pending(unit, members, message);
    this.unitStatus(unit, { phase: 'TimedOut', conditions: [this.condition('False', 'TimedOut', message)] });
    this.event(unitRef(unit), 'Warning', 'TimedOut', message);
  }
}
