import express, { type Router } from 'express';
import { NODE_STATES, YARN_APPLICATION_STATES, type AppRecord, type NodeState } from '../../api/yarn.ts';
import type { ClusterView, NodeView, QueueView } from '../cluster-view.ts';
import { badRequest, illegalArgument, notFound, PlainTextError, RemoteError } from '../errors.ts';
import { isAdmin, requireUser, type AuthConfig } from '../auth/principal.ts';
import { negotiate } from '../serialize/negotiate.ts';
import { parseStates, queryList } from '../request/parse-app-query.ts';
import { appStatInfo, clusterInfo, clusterMetrics, node as nodeDao, nodes as nodesDao } from '../serialize/daos.ts';
import { send } from '../serialize/respond.ts';
import type { Value } from '../serialize/schema.ts';
import { schedulerDao } from '../serialize/scheduler-dao.ts';
import type { AppService } from '../services/app-service.ts';
import { resourceValue } from './resource-value.ts';
import { applicationLimits } from '../queues.ts';

/** Version strings the gateway reports: the Hadoop API level it speaks, and Loom's own build. */
export const HADOOP_COMPAT_VERSION = '3.4.1';

export interface ClusterRouterDeps {
  apps: AppService;
  auth: AuthConfig;
  cluster: ClusterView;
  startedOn: number;
  loomVersion: string;
}

/** `/ws/v1/cluster`, `/info`, `/metrics`, `/scheduler`, `/nodes`, `/appstatistics`. */
export function clusterRouter(d: ClusterRouterDeps): Router {
  const r = express.Router({ strict: false });

  const info = async (req: express.Request, res: express.Response): Promise<void> => {
    send(req, res, clusterInfo, {
      id: await d.apps.clusterTimestamp(),
      startedOn: d.startedOn,
      state: 'STARTED',
      haState: 'ACTIVE',
      rmStateStoreName: 'dev.loom.gateway.RedisAppStore',
      resourceManagerVersion: HADOOP_COMPAT_VERSION,
      resourceManagerBuildVersion: `${HADOOP_COMPAT_VERSION} from loom ${d.loomVersion}`,
      resourceManagerVersionBuiltOn: '2024-10-09T14:57Z',
      hadoopVersion: HADOOP_COMPAT_VERSION,
      hadoopBuildVersion: `${HADOOP_COMPAT_VERSION} from loom ${d.loomVersion}`,
      hadoopVersionBuiltOn: '2024-10-09T14:57Z',
      // What a 3.4.1 RM without a leader elector says (RMServiceContext); Loom's replicas are all active, none elected.
      haZooKeeperConnectionState: 'Could not find leader elector. Verify both HA and automatic failover are enabled.',
    });
  };
  r.get(['/', '/info'], info);

  r.get('/metrics', async (req, res) => {
    const counts = await d.apps.countByState();
    const pending = pendingOf(await d.apps.live());
    const n = (s: (typeof YARN_APPLICATION_STATES)[number]): number => counts.get(s) ?? 0;
    const nodes = d.cluster.nodes();
    const active = nodes.filter((x) => x.state === 'RUNNING');
    const sum = (f: (x: NodeView) => number, list = active): number => list.reduce((a, x) => a + f(x), 0);
    const totalMB = sum((x) => x.totalMB);
    const totalV = sum((x) => x.totalVCores);
    const usedMB = sum((x) => x.usedMB);
    const usedV = sum((x) => x.usedVCores);
    send(req, res, clusterMetrics, {
      // Apps refused at submission never entered the scheduler, so the RM counts them nowhere.
      appsSubmitted: YARN_APPLICATION_STATES.reduce((a, s) => a + n(s), 0) - (counts.get('REFUSED') ?? 0),
      // Hadoop counts only FINISHED apps as completed; failed and killed have their own counters.
      appsCompleted: n('FINISHED'),
      appsPending: n('ACCEPTED') + n('SUBMITTED') + n('NEW') + n('NEW_SAVING'),
      appsRunning: n('RUNNING'),
      appsFailed: n('FAILED') - (counts.get('REFUSED') ?? 0),
      appsKilled: n('KILLED'),
      reservedMB: 0,
      availableMB: Math.max(0, totalMB - usedMB),
      allocatedMB: usedMB,
      pendingMB: pending.memory,
      reservedVirtualCores: 0,
      availableVirtualCores: Math.max(0, totalV - usedV),
      allocatedVirtualCores: usedV,
      pendingVirtualCores: pending.vCores,
      containersAllocated: sum((x) => x.numContainers),
      containersReserved: 0,
      containersPending: pending.containers,
      totalMB,
      utilizedMB: 0,
      totalVirtualCores: totalV,
      utilizedVirtualCores: 0,
      utilizedMBPercent: totalMB ? Math.round((usedMB * 100) / totalMB) : 0,
      utilizedVirtualCoresPercent: totalV ? Math.round((usedV * 100) / totalV) : 0,
      rmSchedulerBusyPercent: 0,
      totalNodes: nodes.length,
      lostNodes: nodes.filter((x) => x.state === 'LOST').length,
      unhealthyNodes: nodes.filter((x) => x.state === 'UNHEALTHY').length,
      decommissioningNodes: 0,
      decommissionedNodes: nodes.filter((x) => x.state === 'DECOMMISSIONED').length,
      rebootedNodes: 0,
      activeNodes: active.length,
      shutdownNodes: 0,
      containerAssignedPerSecond: 0,
      totalUsedResourcesAcrossPartition: resourceValue(usedMB, usedV),
      totalClusterResourcesAcrossPartition: resourceValue(totalMB, totalV),
      totalReservedResourcesAcrossPartition: resourceValue(0, 0),
      totalAllocatedContainersAcrossPartition: sum((x) => x.numContainers),
      crossPartitionMetricsAvailable: true,
      rmEventQueueSize: 0,
      schedulerEventQueueSize: 0,
    });
  });

  r.get('/scheduler', async (req, res) => {
    send(req, res, schedulerDao, { schedulerInfo: schedulerValue(d.cluster, await d.apps.live()) });
  });

  const nodeStates = (req: express.Request): Set<NodeState> | undefined => {
    const values = queryList(req, 'states');
    if (!values.length) return undefined;
    return new Set(
      values.map((v) => {
        const s = v.toUpperCase() as NodeState;
        if (!NODE_STATES.includes(s))
          throw illegalArgument(`No enum constant org.apache.hadoop.yarn.api.records.NodeState.${v}`);
        return s;
      }),
    );
  };

  r.get('/nodes', (req, res) => {
    const states = nodeStates(req);
    const list = d.cluster.nodes().filter((x) => !states || states.has(x.state));
    send(req, res, nodesDao, { node: list.map(nodeValue) });
  });

  r.get('/nodes/:id', (req, res) => {
    const id = req.params.id ?? '';
    if (!/^[^:]+:\d+$/.test(id)) throw illegalArgument(`Invalid NodeId [${id}]. Expected host:port`);
    const found = d.cluster.nodes().find((x) => x.id === id);
    if (!found) throw notFound(`nodeId, ${id}, is not found`);
    send(req, res, nodeDao, nodeValue(found));
  });

  // Reservations are not a Loom feature: answer as an RM with the ReservationSystem off (no 5xx).
  r.all(
    [
      '/reservation/list',
      '/reservation/new-reservation',
      '/reservation/submit',
      '/reservation/update',
      '/reservation/delete',
    ],
    (req) => {
      negotiate(req);
      throw badRequest('Reservation is not enabled. Please enable & try again');
    },
  );

  // The CapacityScheduler configuration is not mutable over REST here (Queue objects are the configuration).
  r.all(['/scheduler-conf', '/scheduler-conf/version', '/scheduler-conf/format', '/scheduler-conf/validate'], (req) => {
    negotiate(req);
    const user = requireUser(req);
    if (!isAdmin(d.auth, req.principal))
      throw new RemoteError('Forbidden', 'Only admins can carry out this operation.');
    throw new PlainTextError(
      400,
      `Configuration change only supported by MutableConfScheduler. (${user}: edit the Queue objects instead)`,
    );
  });

  r.get('/appstatistics', async (req, res) => {
    const states = parseStates(req) ?? new Set(YARN_APPLICATION_STATES);
    const types = queryList(req, 'applicationTypes');
    if (types.length > 1) {
      throw badRequest(`# of applicationTypes = ${types.length}, we temporarily support at most one applicationType`);
    }
    const type = types[0]?.toLowerCase();
    const counts = new Map<string, number>();
    if (type) {
      for (const a of await d.apps.list({ states, types: new Set([type]) }))
        counts.set(a.state, (counts.get(a.state) ?? 0) + 1);
    } else {
      for (const [s, c] of await d.apps.countByState()) counts.set(s, c);
    }
    send(req, res, appStatInfo, {
      statItem: YARN_APPLICATION_STATES.filter((s) => states.has(s)).map((s) => ({
        state: s,
        type: type ?? '*',
        count: counts.get(s) ?? 0,
      })),
    });
  });

  return r;
}

export function nodeValue(n: NodeView): Record<string, Value> {
  return {
    rack: n.rack,
    state: n.state,
    id: n.id,
    nodeHostName: n.host,
    nodeHTTPAddress: n.state === 'RUNNING' || n.state === 'UNHEALTHY' ? `${n.host}:8042` : '',
    lastHealthUpdate: n.lastHealthUpdate,
    version: n.version,
    healthReport: n.healthReport,
    numContainers: n.numContainers,
    usedMemoryMB: n.usedMB,
    availMemoryMB: Math.max(0, n.totalMB - n.usedMB),
    usedVirtualCores: n.usedVCores,
    availableVirtualCores: Math.max(0, n.totalVCores - n.usedVCores),
    memUtilization: 0,
    cpuUtilization: 0,
    numRunningOpportContainers: 0,
    usedMemoryOpportGB: 0,
    usedVirtualCoresOpport: 0,
    numQueuedContainers: 0,
    nodeLabels: n.labels,
    usedResource: resourceValue(n.usedMB, n.usedVCores),
    availableResource: resourceValue(Math.max(0, n.totalMB - n.usedMB), Math.max(0, n.totalVCores - n.usedVCores)),
    totalResource: resourceValue(n.totalMB, n.totalVCores),
  };
}

/** Apps waiting for their AM container: each asks for one, of its AM resource. */
const waiting = (a: AppRecord): boolean =>
  a.state === 'SUBMITTED' || a.state === 'ACCEPTED' || a.state === 'NEW' || a.state === 'NEW_SAVING';

export function pendingOf(apps: readonly AppRecord[]): { memory: number; vCores: number; containers: number } {
  const w = apps.filter(waiting);
  return {
    memory: w.reduce((n, a) => n + a.amResource.memory, 0),
    vCores: w.reduce((n, a) => n + a.amResource.vCores, 0),
    containers: w.length,
  };
}

const isRunning = (a: AppRecord): boolean => a.state === 'RUNNING';

/** What a leaf queue's users (or the queue itself) hold: allocations of running apps and their AM containers. */
function usageOf(apps: readonly AppRecord[]): { used: [number, number]; am: [number, number] } {
  const running = apps.filter(isRunning);
  return {
    used: [running.reduce((n, a) => n + a.allocatedMB, 0), running.reduce((n, a) => n + a.allocatedVCores, 0)],
    am: [running.reduce((n, a) => n + a.amResource.memory, 0), running.reduce((n, a) => n + a.amResource.vCores, 0)],
  };
}

/**
 * The `users` of a leaf queue as CapacityScheduler's UsersManager lists them: every user with unfinished apps there.
 * Active = running (the AM has its container), pending = waiting for it, as the queue's own counts; what they use is
 * the allocation of their running apps. Loom enforces no per-user limit, so `userResourceLimit` and the AM limits are
 * 0 like the queue's AM limits; the RM's order is its hash map's, Loom's by name.
 */
export function usersValue(apps: readonly AppRecord[]): Record<string, Value>[] {
  const byUser = new Map<string, AppRecord[]>();
  for (const a of apps) byUser.set(a.user, [...(byUser.get(a.user) ?? []), a]);
  const zero = resourceValue(0, 0);
  return [...byUser.keys()].sort().map((username) => {
    const mine = byUser.get(username) ?? [];
    const { used, am } = usageOf(mine);
    const active = mine.filter(isRunning).length;
    return {
      username,
      resourcesUsed: resourceValue(...used),
      numPendingApplications: mine.filter(waiting).length,
      numActiveApplications: active,
      AMResourceUsed: resourceValue(...am),
      userResourceLimit: zero,
      resources: {
        resourceUsagesByPartition: [
          {
            partitionName: '',
            used: resourceValue(...used),
            reserved: zero,
            pending: zero,
            amUsed: resourceValue(...am),
            amLimit: zero,
            userAmLimit: zero,
          },
        ],
      },
      userWeight: 1,
      isActive: active > 0,
    };
  });
}

/** An ACL as YARN prints it: `users groups` (so a users-only ACL ends in a space), `*` for everyone. */
export function printAcl(acl: string): string {
  if (acl.trim() === '*') return '*';
  const [users = '', groups = ''] = acl.split(' ', 2);
  return `${users} ${groups}`;
}

const pct = (n: number): string => `${n.toFixed(1)}%`;
const vector = (capacity: number): Record<string, Value> => ({
  configuredCapacityVector: `[memory-mb=${pct(capacity)},vcores=${pct(capacity)}]`,
  capacityVectorEntries: [
    { resourceName: 'memory-mb', resourceValue: pct(capacity) },
    { resourceName: 'vcores', resourceValue: pct(capacity) },
  ],
});

/** The CapacityScheduler tree from Loom's Queue objects, shaped as a 3.4.1 RM shows its own. */
export function schedulerValue(cluster: ClusterView, live: readonly AppRecord[] = []): Record<string, Value> {
  const inQueue = (q: QueueView): AppRecord[] => live.filter((a) => a.queue === q.path);
  /** What a queue holds is what its users hold: the apps of its own and of every queue below it. */
  const usageBelow = (q: QueueView): ReturnType<typeof usageOf> =>
    usageOf(live.filter((a) => a.queue === q.path || a.queue.startsWith(`${q.path}.`)));
  const queues = cluster.queues();
  const byPath = new Map(queues.map((q) => [q.path, q]));
  const parentOf = (q: QueueView): QueueView | undefined => (q.parent ? byPath.get(q.parent) : undefined);
  const abs = (q: QueueView, f: (x: QueueView) => number): number => {
    let v = f(q) / 100;
    for (let p = parentOf(q); p; p = parentOf(p)) v *= f(p) / 100;
    return v * 100;
  };
  const max = cluster.maximumAllocation();
  const limits = { minMemory: 1024, maxMemory: max.memory, minVCores: 1, maxVCores: max.vCores };
  const zero = resourceValue(0, 0);
  const zeroBounded = resourceValue(0, 0, limits);
  const maxAlloc = resourceValue(max.memory, max.vCores);
  const partition = (q: QueueView, isRoot: boolean): Record<string, Value> => ({
    partitionName: '',
    queueCapacityVectorInfo: vector(q.capacity),
    capacity: q.capacity,
    usedCapacity: 0,
    maxCapacity: q.maxCapacity,
    absoluteCapacity: abs(q, (x) => x.capacity),
    absoluteUsedCapacity: 0,
    absoluteMaxCapacity: abs(q, (x) => x.maxCapacity),
    maxAMLimitPercentage: isRoot ? 0 : 10,
    weight: -1,
    normalizedWeight: 0,
    configuredMinResource: zeroBounded,
    configuredMaxResource: zeroBounded,
    effectiveMinResource: zero,
    effectiveMaxResource: zero,
  });
  const acls = (q: QueueView): Record<string, Value> => ({
    queueAcl: [
      { accessType: 'ADMINISTER_QUEUE', accessControlList: printAcl(q.aclAdminister) },
      { accessType: 'APPLICATION_MAX_PRIORITY', accessControlList: '*' },
      { accessType: 'SUBMIT_APP', accessControlList: printAcl(q.aclSubmit) },
    ],
  });
  const templates = {
    autoCreationEligibility: 'off',
    autoQueueTemplateProperties: {},
    autoQueueParentTemplateProperties: {},
    autoQueueLeafTemplateProperties: {},
  };
  const queueValue = (q: QueueView): Record<string, Value> => {
    const children = q.children.map((c) => byPath.get(c)).filter((x): x is QueueView => !!x);
    const leaf = children.length === 0;
    const usage = usageBelow(q);
    const common: Record<string, Value> = {
      queuePath: q.path,
      capacity: q.capacity,
      usedCapacity: 0,
      maxCapacity: q.maxCapacity,
      absoluteCapacity: abs(q, (x) => x.capacity),
      absoluteMaxCapacity: abs(q, (x) => x.maxCapacity),
      absoluteUsedCapacity: 0,
      weight: -1,
      normalizedWeight: 0,
      numApplications: inQueue(q).length,
      maxParallelApps: 2147483647,
      queueName: q.name,
      isAbsoluteResource: false,
      ...(leaf ? {} : { queues: { queue: children.map(queueValue) } }),
      state: q.state,
      resourcesUsed: resourceValue(...usage.used),
      hideReservationQueues: false,
      nodeLabels: ['*'],
      allocatedContainers: 0,
      reservedContainers: 0,
      pendingContainers: pendingOf(inQueue(q)).containers,
      capacities: { queueCapacitiesByPartition: [partition(q, false)] },
      resources: {
        resourceUsagesByPartition: [
          {
            partitionName: '',
            used: resourceValue(...usage.used),
            reserved: zero,
            pending: resourceValue(pendingOf(inQueue(q)).memory, pendingOf(inQueue(q)).vCores),
            amUsed: resourceValue(...usage.am),
            amLimit: zero,
            userAmLimit: zero,
          },
        ],
      },
      minEffectiveCapacity: zero,
      maxEffectiveCapacity: zero,
      maximumAllocation: maxAlloc,
      queueAcls: acls(q),
      queuePriority: 0,
      orderingPolicyInfo: leaf ? 'fifo' : 'utilization',
      autoCreateChildQueueEnabled: false,
      leafQueueTemplate: {},
      mode: 'percentage',
      queueType: leaf ? 'leaf' : 'parent',
      creationMethod: 'static',
      ...templates,
    };
    if (!leaf) return common;
    // The RM derives a leaf's application limit from its share of the cluster-wide maximum (10000).
    const limits = applicationLimits(queues, q);
    return {
      ...common,
      leaf: true,
      numActiveApplications: inQueue(q).filter((a) => a.state === 'RUNNING').length,
      numPendingApplications: pendingOf(inQueue(q)).containers,
      numContainers: 0,
      maxApplications: limits.maxApplications,
      maxApplicationsPerUser: limits.maxApplicationsPerUser,
      userLimit: 100,
      users: { user: usersValue(inQueue(q)) },
      userLimitFactor: 1,
      configuredMaxAMResourceLimit: 0.1,
      AMResourceLimit: zero,
      usedAMResource: resourceValue(...usage.am),
      userAMResourceLimit: zero,
      preemptionDisabled: true,
      intraQueuePreemptionDisabled: true,
      defaultPriority: 0,
      isAutoCreatedLeafQueue: false,
      maxApplicationLifetime: -1,
      defaultApplicationLifetime: -1,
    };
  };
  const rootQueue = queues.find((q) => !q.parent);
  const children = rootQueue ? rootQueue.children.map((c) => byPath.get(c)).filter((x): x is QueueView => !!x) : [];
  const health = {
    lastrun: 0,
    operationsInfo: ['last-allocation', 'last-release', 'last-preemption', 'last-reservation'].map((operation) => ({
      operation,
      nodeId: 'N/A',
      containerId: 'N/A',
      queue: 'N/A',
    })),
    lastRunDetails: ['releases', 'allocations', 'reservations'].map((operation) => ({
      operation,
      count: 0,
      resources: zero,
    })),
  };
  const r = rootQueue ?? {
    name: 'root',
    path: 'root',
    capacity: 100,
    maxCapacity: 100,
    state: 'RUNNING' as const,
    aclSubmit: '*',
    aclAdminister: '*',
    children: [],
  };
  return {
    capacity: 100,
    usedCapacity: 0,
    maxCapacity: 100,
    weight: -1,
    normalizedWeight: 0,
    queueCapacityVectorInfo: vector(100),
    queueName: 'root',
    queuePath: 'root',
    maxParallelApps: 2147483647,
    isAbsoluteResource: false,
    queues: { queue: children.map(queueValue) },
    capacities: { queueCapacitiesByPartition: [partition(r, true)] },
    health,
    maximumAllocation: maxAlloc,
    queueAcls: acls(r),
    queuePriority: 0,
    orderingPolicyInfo: 'utilization',
    mode: 'percentage',
    queueType: 'parent',
    creationMethod: 'static',
    ...templates,
  };
}
