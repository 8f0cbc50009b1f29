import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type V1Node,
  type V1Pod,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { inform, type RunningInformer } from '../../api/k8s/inform.ts';
import { GROUP, SCHEDULING_UNIT, VERSION } from '../../api/names.ts';
import { SchedulingUnit } from '../../api/scheduling-unit.ts';
import { cpuRows } from '../../api/k8s/cluster-utilization.ts';
import { isPendingUnit, type UiNode } from '../ui/model.ts';
import type { UiClusterSource } from '../ui/source.ts';

/** Options of the Kubernetes-backed UI source. */
export interface KubeUiClusterSourceOptions {
  kubeconfig: KubeConfig;
  log: Logger;
  /** A node report older than this counts as absent, as the scheduler counts it. @defaultValue 60 */
  staleSeconds?: number;
}

const key = (o: { metadata?: { uid?: string; namespace?: string; name?: string } }): string =>
  o.metadata?.uid ?? `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/**
 * The UI's view of the cluster from three informers of its own: Nodes, every pod bound to a node (online pods
 * count by their requests where no fresh usage report exists) and SchedulingUnits (only waiting ones are kept).
 * The split itself is `loom top`'s (`cpuRows`): a computed one serves for up to a second, until the next change.
 */
export class KubeUiClusterSource implements UiClusterSource {
  private readonly nodesByKey = new Map<string, V1Node>();
  private readonly podsByKey = new Map<string, V1Pod>();
  private readonly unitsByKey = new Map<string, SchedulingUnit>();
  private readonly running: RunningInformer[] = [];
  private cache: { at: number; rows: UiNode[] } | undefined;
  private unitsProblem: string | undefined;

  constructor(private readonly o: KubeUiClusterSourceOptions) {}

  async start(): Promise<void> {
    const kc = this.o.kubeconfig;
    const core = kc.makeApiClient(CoreV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const log = this.o.log;
    const changed = (): void => {
      this.cache = undefined;
    };
    const bound = 'spec.nodeName!=';
    const listUnits = () =>
      custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: SCHEDULING_UNIT.plural }) as Promise<
        KubernetesListObject<SchedulingUnit>
      >;
    // A gateway deployed with RBAC that predates the UI may not read units (or the CRD may be absent): the UI then
    // says so instead of the gateway failing to start, or an informer retrying and warning every two seconds.
    this.unitsProblem = await listUnits().then(
      () => undefined,
      (err: unknown) => {
        const code = err instanceof ApiException ? err.code : undefined;
        if (code !== 403 && code !== 404) return undefined; // transient: the informer retries
        const why = `cannot list ${SCHEDULING_UNIT.plural}.${GROUP} (HTTP ${code}): grant the gateway get/list/watch on them`;
        log.warn(why);
        return why;
      },
    );
    const informers: Promise<RunningInformer>[] = [
      inform<V1Node>(
        kc,
        'nodes',
        '/api/v1/nodes',
        () => core.listNode(),
        {
          upsert: (n) => (this.nodesByKey.set(key(n), n), changed()),
          remove: (n) => (this.nodesByKey.delete(key(n)), changed()),
        },
        log,
      ),
      // Every pod bound to a node, not only batch ones: online requests stand in where no fresh usage report exists.
      inform<V1Pod>(
        kc,
        'bound pods',
        '/api/v1/pods',
        () => core.listPodForAllNamespaces({ fieldSelector: bound }),
        {
          upsert: (p) => (this.podsByKey.set(key(p), p), changed()),
          remove: (p) => (this.podsByKey.delete(key(p)), changed()),
        },
        log,
        { fieldSelector: bound },
      ),
    ];
    if (!this.unitsProblem) {
      informers.push(
        inform(
          kc,
          'scheduling units',
          `/apis/${GROUP}/${VERSION}/${SCHEDULING_UNIT.plural}`,
          listUnits,
          {
            upsert: (u) => {
              const parsed = SchedulingUnit.safeParse(u);
              // Units that are placed (or over) leave the cache: the UI lists only waiting ones.
              if (parsed.success && isPendingUnit(parsed.data)) this.unitsByKey.set(key(u), parsed.data);
              else this.unitsByKey.delete(key(u));
            },
            remove: (u) => this.unitsByKey.delete(key(u)),
          },
          log,
        ),
      );
    }
    const started = await Promise.allSettled(informers);
    for (const s of started) if (s.status === 'fulfilled') this.running.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await this.stop();
      throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
    }
  }

  async stop(): Promise<void> {
    const running = this.running.splice(0);
    await Promise.allSettled(running.map((r) => r.stop()));
  }

  nodes(now: number): UiNode[] {
    // Freshness of node reports moves with the clock, so a cached split is reused for a second at most.
    if (this.cache && now >= this.cache.at && now - this.cache.at < 1_000) return this.cache.rows;
    const rows = cpuRows([...this.nodesByKey.values()], [...this.podsByKey.values()], now, this.o.staleSeconds);
    this.cache = { at: now, rows };
    return rows;
  }

  pendingUnits(): SchedulingUnit[] {
    return [...this.unitsByKey.values()];
  }

  pendingUnitsUnavailable(): string | undefined {
    return this.unitsProblem;
  }
}
