import {
  API_VERSION,
  PLACEHOLDER_LABEL,
  QOS_LEVEL_ANNOTATION,
  RECLAIMED_MEMORY,
  RECLAIMED_MILLICPU,
  SCHEDULER_NAME,
  SCHEDULING_UNIT,
  SIM_DURATION_ANNOTATION,
  SIM_EXIT_CODE_ANNOTATION,
  UNIT_LABEL,
  UNIT_ROLE_LABEL,
  YARN_APPLICATION_ID_LABEL,
  YARN_ATTEMPT_LABEL,
  YARN_ROLE_LABEL,
  type QosLevel,
} from '../api/names.ts';
import type { AppRecord } from '../api/yarn.ts';
import { containerId, podName, unitName } from './naming.ts';
import { expandYarnTokens } from './profiles/command.ts';
import type { RolePlan, UnitPlan } from './profiles/profile.ts';

/** Translator settings that shape the objects. */
export interface ObjectConfig {
  namespace: string;
  /** Image of the AM/driver container per application type (lower case), with `default`. */
  images: Record<string, string>;
  /** Image of placeholder pods (they only hold resources). */
  placeholderImage: string;
  /** Seconds a unit may wait for placement. */
  unitTimeoutSeconds: number;
}

/** A plain Kubernetes object (the writer sends it as JSON). */
export type K8sObject = Record<string, unknown> & {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
};

/** Leaf queue name from a YARN path (`root.spark` → `spark`), which names the Queue object. */
export const leafQueue = (path: string): string => path.split('.').at(-1) ?? path;

/** Simulation settings from `sim.loom.dev/duration=30s` / `sim.loom.dev/exit-code=1` application tags. */
export function simulationAnnotations(tags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags) {
    const m = /^(sim\.loom\.dev\/(?:duration|exit-code))=(.+)$/.exec(tag);
    if (!m?.[1] || !m[2]) continue;
    if (m[1] === SIM_DURATION_ANNOTATION && /^\d+(ms|s|m|h)$/.test(m[2])) out[m[1]] = m[2];
    if (m[1] === SIM_EXIT_CODE_ANNOTATION && /^-?\d{1,3}$/.test(m[2])) out[m[1]] = m[2];
  }
  return out;
}

/** Requests of one member under its QoS level: reclaimed resources for `reclaimed_cores`, cpu/memory otherwise. */
export function memberResources(
  role: RolePlan,
  qos: QosLevel,
): { requests: Record<string, string>; limits: Record<string, string> } {
  if (qos === 'reclaimed_cores') {
    // Extended resources must be whole numbers with requests equal to limits.
    const r = { [RECLAIMED_MILLICPU]: String(role.cpuMilli), [RECLAIMED_MEMORY]: `${role.memoryMiB}Mi` };
    return { requests: r, limits: r };
  }
  const r = { cpu: `${role.cpuMilli}m`, memory: `${role.memoryMiB}Mi` };
  return { requests: r, limits: r };
}

/** Owner reference to the attempt's unit, so deleting the unit takes its pods and Secret with it. */
function ownedByUnit(
  appId: string,
  attempt: number,
  unitUid?: string,
): { ownerReferences?: Record<string, unknown>[] } {
  if (!unitUid) return {};
  return {
    ownerReferences: [
      {
        apiVersion: API_VERSION,
        kind: SCHEDULING_UNIT.kind,
        name: unitName(appId, attempt),
        uid: unitUid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
}

/** Where the AM finds its credentials: one file per token (`token-<alias>`) and secret (`secret-<alias>`). */
export const CREDENTIALS_DIR = '/etc/yarn/credentials';

/** Secret name of an attempt's credentials. */
export const credentialsSecretName = (appId: string, attempt: number): string =>
  `${unitName(appId, attempt)}-credentials`;

/**
 * The Secret carrying a submission's credentials, owned by the unit so it goes with it. Values stay exactly as the
 * client sent them; keys become file names, so anything but [-._a-zA-Z0-9] is replaced.
 */
export function credentialsSecret(
  app: AppRecord,
  attempt: number,
  credentials: { tokens: Record<string, string>; secrets: Record<string, string> },
  c: ObjectConfig,
  unitUid?: string,
): K8sObject | undefined {
  const data: Record<string, string> = {};
  const key = (prefix: string, alias: string): string =>
    `${prefix}-${alias.replace(/[^-._a-zA-Z0-9]/g, '_')}`.slice(0, 253);
  for (const [alias, v] of Object.entries(credentials.tokens)) data[key('token', alias)] = v;
  for (const [alias, v] of Object.entries(credentials.secrets)) data[key('secret', alias)] = v;
  if (Object.keys(data).length === 0) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: credentialsSecretName(app.id, attempt),
      namespace: c.namespace,
      labels: { [YARN_APPLICATION_ID_LABEL]: app.id, [YARN_ATTEMPT_LABEL]: String(attempt) },
      ...ownedByUnit(app.id, attempt, unitUid),
    },
    stringData: data,
  };
}

/** The SchedulingUnit of an attempt. */
export function unitObject(app: AppRecord, attempt: number, plan: UnitPlan, qos: QosLevel, c: ObjectConfig): K8sObject {
  return {
    apiVersion: API_VERSION,
    kind: SCHEDULING_UNIT.kind,
    metadata: {
      name: unitName(app.id, attempt),
      namespace: c.namespace,
      labels: { [YARN_APPLICATION_ID_LABEL]: app.id, [YARN_ATTEMPT_LABEL]: String(attempt) },
    },
    spec: {
      queue: leafQueue(app.queue),
      priority: Math.max(0, app.priority),
      minMember: plan.minMember,
      roles: plan.roles.map((r) => ({
        name: r.name,
        count: r.count,
        requests: memberResources(r, qos).requests,
        qosLevel: qos,
        ...(r.placeholders ? { placeholders: true } : {}),
      })),
      timeoutSeconds: c.unitTimeoutSeconds,
      mode: 'hard',
      application: { id: app.id, attempt, user: app.user, type: app.applicationType, name: app.name.slice(0, 1024) },
    },
  };
}

/**
 * Every member pod of an attempt. The AM runs the submitter's command through the pod's own shell (YARN semantics
 * such as `1><LOG_DIR>/stdout` need one); nothing from the submission is interpolated into anything Loom runs.
 * Environment reaches the pod as `env` entries, never as generated shell text.
 */
export function memberPods(
  app: AppRecord,
  attempt: number,
  plan: UnitPlan,
  qos: QosLevel,
  c: ObjectConfig,
  unitUid?: string,
  credentials?: string,
): K8sObject[] {
  const pods: K8sObject[] = [];
  const sim = simulationAnnotations(app.tags);
  let n = 1;
  for (const role of plan.roles) {
    for (let i = 0; i < role.count; i++) {
      const name = podName(app.id, attempt, role.name, i);
      const cid = containerId(app.id, attempt, n++);
      const isAm = role.command !== undefined;
      const env = [
        { name: 'CONTAINER_ID', value: cid },
        { name: 'APP_SUBMIT_TIME_ENV', value: String(app.startedTime) },
        { name: 'USER', value: app.user },
        { name: 'HADOOP_USER_NAME', value: app.user },
        { name: 'LOG_DIR', value: '/var/log/yarn' },
        ...Object.entries(role.env ?? {}).map(([k, v]) => ({ name: k, value: v })),
      ];
      const image = role.placeholders
        ? c.placeholderImage
        : (c.images[app.applicationType.toLowerCase()] ?? c.images.default ?? 'busybox');
      pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: c.namespace,
          labels: {
            [UNIT_LABEL]: unitName(app.id, attempt),
            [UNIT_ROLE_LABEL]: role.name,
            [YARN_APPLICATION_ID_LABEL]: app.id,
            [YARN_ATTEMPT_LABEL]: String(attempt),
            [YARN_ROLE_LABEL]: role.yarnRole,
            ...(role.placeholders ? { [PLACEHOLDER_LABEL]: 'true' } : {}),
          },
          annotations: { [QOS_LEVEL_ANNOTATION]: qos, 'yarn.loom.dev/container-id': cid, ...sim },
          ...ownedByUnit(app.id, attempt, unitUid),
        },
        spec: {
          schedulerName: SCHEDULER_NAME,
          restartPolicy: 'Never',
          ...(app.amNodeLabelExpression && isAm
            ? { nodeSelector: { 'yarn.loom.dev/node-label': app.amNodeLabelExpression } }
            : {}),
          ...(app.lifetimeExpiry
            ? { activeDeadlineSeconds: Math.max(1, Math.ceil((app.lifetimeExpiry - Date.now()) / 1000)) }
            : {}),
          // Only the AM gets the credentials, as a read-only Secret volume: never env, annotations or logs.
          ...(isAm && credentials
            ? { volumes: [{ name: 'yarn-credentials', secret: { secretName: credentials, defaultMode: 0o400 } }] }
            : {}),
          containers: [
            {
              name: role.placeholders ? 'placeholder' : role.name,
              ...(isAm && credentials
                ? { volumeMounts: [{ name: 'yarn-credentials', mountPath: CREDENTIALS_DIR, readOnly: true }] }
                : {}),
              image,
              ...(isAm ? { command: ['/bin/sh', '-c', expandYarnTokens(role.command ?? '')] } : {}),
              env: role.placeholders ? [] : env,
              resources: memberResources(role, qos),
            },
          ],
        },
      });
    }
  }
  return pods;
}
