import {
  PLACEHOLDER_LABEL,
  SIM_DURATION_ANNOTATION,
  SIM_EXIT_CODE_ANNOTATION,
  YARN_ROLE_LABEL,
} from '../../api/names.ts';

/**
 * The simulated application master of the local cluster, pure part. On a kwok node nothing runs, so something must
 * play what a Spark driver, a Flink JobManager or a MapReduce AM does once it starts: ask for its executors. This
 * planner says which executor pods to create for an AM pod that runs, one per placeholder of its unit (YuniKorn's
 * task-group model: the real member takes the placeholder's node and the scheduler deletes the placeholder).
 *
 * Executors end with their AM: each gets the AM's remaining `sim.loom.dev/duration` (exit code 0: executors of a
 * failing driver are stopped, they do not fail). An AM whose app gave no duration is given the default, 30 s.
 */

/** A pod as the planner reads it (plain JSON of the apiserver). */
export interface PodLike {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: unknown[];
    deletionTimestamp?: unknown;
  };
  spec?: {
    schedulerName?: string;
    restartPolicy?: string;
    priorityClassName?: string;
    tolerations?: unknown[];
    containers?: { name?: string; image?: string; resources?: unknown }[];
  };
  status?: { phase?: string; startTime?: string | Date };
}

/** Go-style duration (`30s`, `2m`, `1h`, `500ms`) in ms; undefined when unreadable. */
export function durationMs(v: string | undefined): number | undefined {
  const m = v === undefined ? null : /^(\d+)(ms|s|m|h)$/.exec(v);
  if (!m) return undefined;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

/** How long a simulated AM runs when its app has no `sim.loom.dev/duration` tag. */
export const DEFAULT_SIM_DURATION = '30s';

/**
 * Annotations a running AM pod lacks to end on its own: the default duration when the app named none (the kwok
 * stage that completes pods acts on the annotation), undefined when nothing is missing.
 */
export function amDefaults(am: PodLike): Record<string, string> | undefined {
  if (am.status?.phase !== 'Running' || am.metadata?.deletionTimestamp) return undefined;
  return am.metadata?.annotations?.[SIM_DURATION_ANNOTATION] === undefined
    ? { [SIM_DURATION_ANNOTATION]: DEFAULT_SIM_DURATION }
    : undefined;
}

/** Name of the executor pod that replaces `placeholder` (deterministic: a replay creates nothing new). */
export const executorName = (placeholder: string): string => `${placeholder}-sim`;

/**
 * Executor pods to create now for `am` (a Running pod labelled `yarn.loom.dev/role=am`), given every pod of its
 * attempt. Empty when the AM is not running, is leaving, or every placeholder already has its executor.
 */
export function executorsFor(am: PodLike, attemptPods: readonly PodLike[], now: number): PodLike[] {
  if (am.status?.phase !== 'Running' || am.metadata?.deletionTimestamp) return [];
  const names = new Set(attemptPods.map((p) => p.metadata?.name));
  const duration = durationMs(am.metadata?.annotations?.[SIM_DURATION_ANNOTATION]);
  const started = am.status.startTime ? new Date(am.status.startTime).getTime() : now;
  const remaining = duration === undefined ? undefined : Math.max(1, Math.ceil((started + duration - now) / 1000));
  const image = am.spec?.containers?.[0]?.image ?? 'busybox';
  const out: PodLike[] = [];
  for (const ph of attemptPods) {
    const meta = ph.metadata ?? {};
    if (meta.labels?.[PLACEHOLDER_LABEL] !== 'true' || !meta.name || names.has(executorName(meta.name))) continue;
    const { [PLACEHOLDER_LABEL]: _placeholder, ...labels } = meta.labels;
    const { [SIM_DURATION_ANNOTATION]: _d, [SIM_EXIT_CODE_ANNOTATION]: _e, ...annotations } = meta.annotations ?? {};
    out.push({
      metadata: {
        name: executorName(meta.name),
        ...(meta.namespace ? { namespace: meta.namespace } : {}),
        labels,
        annotations: {
          ...annotations,
          ...(remaining !== undefined ? { [SIM_DURATION_ANNOTATION]: `${remaining}s` } : {}),
          [SIM_EXIT_CODE_ANNOTATION]: '0',
        },
        ...(meta.ownerReferences ? { ownerReferences: meta.ownerReferences } : {}),
      },
      spec: {
        restartPolicy: 'Never',
        ...(ph.spec?.schedulerName ? { schedulerName: ph.spec.schedulerName } : {}),
        ...(ph.spec?.priorityClassName ? { priorityClassName: ph.spec.priorityClassName } : {}),
        ...(ph.spec?.tolerations ? { tolerations: ph.spec.tolerations } : {}),
        containers: [
          {
            name: labels[YARN_ROLE_LABEL] ?? 'executor',
            image,
            ...(ph.spec?.containers?.[0]?.resources ? { resources: ph.spec.containers[0].resources } : {}),
          },
        ],
      },
    });
  }
  return out;
}
