/**
 * Every label, annotation, resource, group and condition name Loom shares between components, defined once.
 * Existing vocabularies (Katalyst, Gödel, scheduler-plugins, Kubernetes) are honoured before new names are minted.
 */

/** API group and version of Loom's own custom resources. */
export const GROUP = 'scheduling.loom.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** Kind, plural and short names of the CRDs, as `kubectl` knows them. */
export const SCHEDULING_UNIT = {
  kind: 'SchedulingUnit',
  listKind: 'SchedulingUnitList',
  plural: 'schedulingunits',
  singular: 'schedulingunit',
  shortNames: ['su'],
} as const;
export const QUEUE = {
  kind: 'Queue',
  listKind: 'QueueList',
  plural: 'queues',
  singular: 'queue',
  shortNames: ['q'],
} as const;

/** Katalyst's QoS annotation and levels: the node agent and scheduler account each level apart. */
export const QOS_LEVEL_ANNOTATION = 'katalyst.kubewharf.io/qos_level';
export const QOS_LEVELS = ['dedicated_cores', 'shared_cores', 'reclaimed_cores', 'system_cores'] as const;
export type QosLevel = (typeof QOS_LEVELS)[number];
/** A pod without the annotation is an ordinary online pod. */
export const DEFAULT_QOS_LEVEL: QosLevel = 'shared_cores';

/** Extended resources the node agent publishes and `reclaimed_cores` pods request instead of cpu/memory. */
export const RECLAIMED_MILLICPU = 'resource.katalyst.kubewharf.io/reclaimed_millicpu';
export const RECLAIMED_MEMORY = 'resource.katalyst.kubewharf.io/reclaimed_memory';
/** RFC 3339 time of the node agent's last report; the scheduler counts a stale report as zero capacity. */
export const RECLAIMED_REPORT_TIME_ANNOTATION = 'node.loom.dev/reclaimed-report-time';
/**
 * Online pods' measured usage on the node (millicores, bytes) as of the report time: what `loom top` and the web UI
 * show as "online" without scraping every agent.
 */
export const ONLINE_USAGE_ANNOTATIONS = {
  milliCpu: 'node.loom.dev/online-usage-millicpu',
  memory: 'node.loom.dev/online-usage-memory',
} as const;

/** Label that makes a pod a member of a SchedulingUnit (value: the unit's name, same namespace). */
export const UNIT_LABEL = 'scheduling.loom.dev/unit';
/** Member role within the unit (driver, executor, ...), matching a role in the unit's spec. */
export const UNIT_ROLE_LABEL = 'scheduling.loom.dev/role';
/** Gang labels of other schedulers that Loom also accepts. */
export const GODEL_POD_GROUP_ANNOTATION = 'godel.bytedance.com/pod-group-name';
export const SCHEDULER_PLUGINS_POD_GROUP_LABEL = 'scheduling.x-k8s.io/pod-group';
/** Marks a pod that only holds a place for a member that will appear later (YuniKorn's task-group model). */
export const PLACEHOLDER_LABEL = 'scheduling.loom.dev/placeholder';

/** The scheduler name Loom's scheduler answers for. */
export const SCHEDULER_NAME = 'loom-scheduler';

/** YARN identity carried on Kubernetes objects. */
export const YARN_APPLICATION_ID_LABEL = 'yarn.loom.dev/application-id';
export const YARN_ATTEMPT_LABEL = 'yarn.loom.dev/attempt';
export const YARN_ROLE_LABEL = 'yarn.loom.dev/role';
export const YARN_ROLES = ['am', 'executor', 'taskmanager', 'map', 'reduce', 'container'] as const;
export type YarnRole = (typeof YARN_ROLES)[number];

/** Simulation annotations that the local cluster's kwok Stages act on. */
export const SIM_DURATION_ANNOTATION = 'sim.loom.dev/duration';
export const SIM_EXIT_CODE_ANNOTATION = 'sim.loom.dev/exit-code';
/**
 * The usage model of an online pod on a kwok node (the node agent's simulated metrics source): cpu usage as a share of
 * the request (`usage-base`, plus `usage-amplitude` × a sine over `usage-period`, plus ± `usage-noise`), and memory
 * as a share of the request (`memory-usage`). Annotate a running pod to change its load (`kubectl annotate --overwrite`).
 */
export const SIM_USAGE_ANNOTATIONS = {
  base: 'sim.loom.dev/usage-base',
  amplitude: 'sim.loom.dev/usage-amplitude',
  period: 'sim.loom.dev/usage-period',
  noise: 'sim.loom.dev/usage-noise',
  memory: 'sim.loom.dev/memory-usage',
} as const;

/** Topology labels put on local nodes; zone and region are the Kubernetes well-known labels. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const REGION_LABEL = 'topology.kubernetes.io/region';
/** Kubernetes has no well-known rack label; YARN's NodeInfo.rack is read from this one. */
export const RACK_LABEL = 'topology.loom.dev/rack';
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** kwok manages the nodes carrying this annotation (and only those). */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
/** Label on every Node object the local cluster created, so `up` can converge the node set. */
export const LOCAL_NODE_LABEL = 'loom.dev/local-node';

/** Condition types on SchedulingUnit status. */
export const UNIT_CONDITIONS = {
  /** False with a reason (the fit histogram) while the unit cannot be placed. */
  scheduled: 'Scheduled',
  /** True once minMember members exist. */
  membersReady: 'MembersReady',
} as const;
