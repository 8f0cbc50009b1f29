/**
 * YARN vocabulary shared by the gateway (which answers in it) and the translator (which moves apps through it).
 * Enum lists are in the order the RM prints them in its validation messages.
 */

export const YARN_APPLICATION_STATES = [
  'NEW',
  'NEW_SAVING',
  'SUBMITTED',
  'ACCEPTED',
  'RUNNING',
  'FINISHED',
  'FAILED',
  'KILLED',
] as const;
export type YarnApplicationState = (typeof YARN_APPLICATION_STATES)[number];
export const FINAL_STATES: readonly YarnApplicationState[] = ['FINISHED', 'FAILED', 'KILLED'];
export const isFinalState = (s: YarnApplicationState): boolean => FINAL_STATES.includes(s);

export const FINAL_APPLICATION_STATUSES = ['UNDEFINED', 'SUCCEEDED', 'FAILED', 'KILLED', 'ENDED'] as const;
export type FinalApplicationStatus = (typeof FINAL_APPLICATION_STATUSES)[number];

export const NODE_STATES = [
  'NEW',
  'RUNNING',
  'UNHEALTHY',
  'DECOMMISSIONED',
  'LOST',
  'REBOOTED',
  'DECOMMISSIONING',
  'SHUTDOWN',
] as const;
export type NodeState = (typeof NODE_STATES)[number];

export const APP_ATTEMPT_STATES = [
  'NEW',
  'SUBMITTED',
  'SCHEDULED',
  'ALLOCATED',
  'LAUNCHED',
  'FAILED',
  'RUNNING',
  'FINISHING',
  'FINISHED',
  'KILLED',
  'ALLOCATED_SAVING',
  'LAUNCHED_UNMANAGED_SAVING',
  'FINAL_SAVING',
] as const;
export type AppAttemptState = (typeof APP_ATTEMPT_STATES)[number];

/** Fields `/apps?deSelects=` may drop, as the RM names them in its message. */
export const DESELECT_FIELDS = [
  'resourceRequests',
  'timeouts',
  'appNodeLabelExpression',
  'amNodeLabelExpression',
  'resourceInfo',
] as const;
export type DeselectField = (typeof DESELECT_FIELDS)[number];

/** YARN resources: memory in MB, virtual cores. */
export interface YarnResource {
  memory: number;
  vCores: number;
}

/** One attempt of an application (an AM run). */
export interface AttemptRecord {
  /** 1-based attempt number. */
  id: number;
  state: AppAttemptState;
  startTime: number;
  finishedTime: number;
  /** AM container id once placed (`container_<ts>_<seq>_<attempt>_000001`). */
  containerId?: string;
  /** Node (YARN NodeId `host:port`) of the AM container. */
  nodeId?: string;
  nodeHttpAddress?: string;
  diagnostics?: string;
  /** The AM container was preempted: like the RM, such a failure does not count against `maxAppAttempts`. */
  preempted?: boolean;
  /**
   * `namespace/name` of the SchedulingUnit the translator created for this attempt; absent while nothing exists in
   * Kubernetes (the gateway records attempt 1 at admission, as the RM creates it when the scheduler admits the app).
   */
  unit?: string;
}

/** A container of an attempt, as the translator reports it from a pod. */
export interface ContainerRecord {
  containerId: string;
  allocatedMB: number;
  allocatedVCores: number;
  nodeId: string;
  nodeHttpAddress: string;
  priority: number;
  startedTime: number;
  finishedTime: number;
  exitStatus: number;
  state: 'NEW' | 'RUNNING' | 'COMPLETE';
  diagnostics: string;
}

/** Everything Loom keeps about one YARN application (Redis, JSON). */
export interface AppRecord {
  id: string;
  user: string;
  name: string;
  /** Full queue path, `root.<leaf>`. */
  queue: string;
  state: YarnApplicationState;
  finalStatus: FinalApplicationStatus;
  progress: number;
  diagnostics: string;
  applicationType: string;
  /** Lower-cased, as YARN stores them. */
  tags: string[];
  priority: number;
  /** Submission time (ms). */
  startedTime: number;
  launchTime: number;
  finishedTime: number;
  amResource: YarnResource;
  maxAppAttempts: number;
  unmanagedAM: boolean;
  keepContainers: boolean;
  amNodeLabelExpression: string;
  appNodeLabelExpression: string;
  trackingUrl?: string;
  amHostHttpAddress?: string;
  amRPCAddress?: string;
  masterNodeId?: string;
  allocatedMB: number;
  allocatedVCores: number;
  runningContainers: number;
  memorySeconds: number;
  vcoreSeconds: number;
  preemptedResourceMB: number;
  preemptedResourceVCores: number;
  numNonAMContainerPreempted: number;
  numAMContainerPreempted: number;
  preemptedMemorySeconds: number;
  preemptedVcoreSeconds: number;
  /**
   * Every container preempted or evicted so far, by container id. Their pods are deleted soon after (the Eviction
   * API), so the preemption counters and usage are kept here and only ever grow. Not part of the RM's answers.
   */
  preemptedContainers?: Record<string, PreemptedContainer>;
  /** Absolute expiry (ms) of the LIFETIME timeout; absent means UNLIMITED. */
  lifetimeExpiry?: number;
  attempts: AttemptRecord[];
  /** Refused at submission (unknown or stopped queue, ACL): FAILED without ever entering a queue. */
  refused?: boolean;
  /** Application ACLs from the submission (VIEW_APP, MODIFY_APP → ACL string). */
  acls: Record<string, string>;
}

/** A preempted container as the app record remembers it after its pod is gone. */
export interface PreemptedContainer {
  am: boolean;
  memoryMiB: number;
  vCores: number;
  /** How long it ran before it was taken away. */
  seconds: number;
}

/** BullMQ queues between the gateway (producer) and the translator (worker). Job ids are the application ids. */
export const SUBMIT_QUEUE = 'yarn-submit';
export const KILL_QUEUE = 'yarn-kill';
/** Changes to a running app's queue, priority or lifetime: the translator re-reads the record and applies them. */
export const UPDATE_QUEUE = 'yarn-update';

/** Payload of an update job. */
export interface UpdateJob {
  appId: string;
  what: 'queue' | 'priority' | 'timeout';
}

/** Payload of a kill job. */
export interface KillJob {
  appId: string;
  user: string;
  diagnostics?: string;
}

/** Payload of a submit job: the app as recorded, plus the parsed submission context. */
export interface SubmitJob {
  appId: string;
}
