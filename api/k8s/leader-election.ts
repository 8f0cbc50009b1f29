import type { KeepAliveClient } from './keepalive-client.ts';

/** Settings of a Lease-based election (client-go's defaults). */
export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  /** How long a lease holds without renewal. @defaultValue 15 */
  leaseDurationSeconds: number;
  /** How often the holder renews and candidates retry. @defaultValue 2 */
  retryPeriodSeconds: number;
}

interface Lease {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    renewTime?: string;
    acquireTime?: string;
    leaseTransitions?: number;
  };
}

const micro = (d: Date): string => d.toISOString().replace('Z', '000Z');

/**
 * Leader election through a coordination.k8s.io Lease, as kube-scheduler does it: take the lease when it is free or
 * expired, renew it every retry period with optimistic concurrency (resourceVersion), and report the loss when a
 * renewal fails for longer than the lease lasts. Only the leader schedules (scheduler) or reconciles status (translator).
 */
export class LeaderElector {
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private lastRenew = 0;
  private stopped = false;

  constructor(
    private readonly client: KeepAliveClient,
    private readonly o: LeaderElectionOptions,
  ) {}

  private get path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${this.o.namespace}/leases`;
  }

  /** One attempt to acquire or renew; true when we hold the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const got = await this.client.request<Lease>('GET', `${this.path}/${this.o.name}`);
    if (got.status === 404) {
      const created = await this.client.request<Lease>('POST', this.path, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.o.name, namespace: this.o.namespace },
        spec: {
          holderIdentity: this.o.identity,
          leaseDurationSeconds: this.o.leaseDurationSeconds,
          acquireTime: micro(now),
          renewTime: micro(now),
          leaseTransitions: 0,
        },
      });
      return created.status === 201;
    }
    if (got.status !== 200) return false;
    const lease = got.body;
    const holder = lease.spec.holderIdentity;
    const renewed = lease.spec.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
    const duration = (lease.spec.leaseDurationSeconds ?? this.o.leaseDurationSeconds) * 1000;
    const mine = holder === this.o.identity;
    if (!mine && holder && renewed + duration > now.getTime()) return false;
    const spec = {
      ...lease.spec,
      holderIdentity: this.o.identity,
      leaseDurationSeconds: this.o.leaseDurationSeconds,
      renewTime: micro(now),
      ...(mine ? {} : { acquireTime: micro(now), leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1 }),
    };
    const put = await this.client.request('PUT', `${this.path}/${this.o.name}`, { ...lease, spec });
    return put.status === 200;
  }

  /**
   * Campaigns until elected, calls `onStarted`, keeps renewing, and calls `onStopped` once if leadership is lost.
   */
  run(onStarted: () => void, onStopped: () => void): void {
    const tick = async (): Promise<void> => {
      if (this.stopped) return;
      let ok: boolean;
      try {
        ok = await this.tryAcquireOrRenew();
      } catch {
        ok = false;
      }
      const now = Date.now();
      if (ok) {
        this.lastRenew = now;
        if (!this.leading) {
          this.leading = true;
          onStarted();
        }
      } else if (this.leading && now - this.lastRenew > this.o.leaseDurationSeconds * 1000) {
        this.leading = false;
        this.stopped = true;
        onStopped();
        return;
      }
      this.timer = setTimeout(() => void tick(), this.o.retryPeriodSeconds * 1000);
    };
    void tick();
  }

  /** Stops campaigning and, when leading, gives the lease up so a successor need not wait for it to expire. */
  async release(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (!this.leading) return;
    this.leading = false;
    const got = await this.client.request<Lease>('GET', `${this.path}/${this.o.name}`);
    if (got.status !== 200 || got.body.spec.holderIdentity !== this.o.identity) return;
    const spec = { ...got.body.spec, holderIdentity: '', renewTime: micro(new Date()), leaseDurationSeconds: 1 };
    await this.client.request('PUT', `${this.path}/${this.o.name}`, { ...got.body, spec });
  }
}
