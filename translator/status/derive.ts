import type { AppRecord, AttemptRecord, ContainerRecord, PreemptedContainer } from '../../api/yarn.ts';
import { isFinalState } from '../../api/yarn.ts';

/** What the status controller knows of one member pod (read from Kubernetes by the adapter). */
export interface MemberPod {
  name: string;
  attempt: number;
  /** YARN role (`am`, `executor`, ...). */
  yarnRole: string;
  placeholder: boolean;
  containerId: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  nodeName?: string;
  /** ms */
  startTime?: number;
  /** ms; when the (single) container terminated. */
  finishedTime?: number;
  exitCode?: number;
  /** The simulated run time (`sim.loom.dev/duration`), ms: on the local cluster the AM's progress follows it. */
  simulatedDurationMs?: number;
  /** Evicted by the node agent or preempted by the scheduler. */
  evicted: boolean;
  memoryMiB: number;
  vCores: number;
}

/** What the scheduler says about an attempt's SchedulingUnit. */
export interface UnitView {
  /** `namespace/name`. */
  key: string;
  /** Pending, Scheduled, TimedOut, ... */
  phase?: string;
  /** Why it waits (the Scheduled condition's message). */
  message?: string;
}

/** The controller's decision for one app. */
export interface Derived {
  app: AppRecord;
  containers: ContainerRecord[];
  /** Start attempt `n` (the previous one failed and attempts remain). */
  retryAttempt?: number;
  /** The attempt's objects should go: the scheduler gave up on its unit. */
  cleanup?: boolean;
}

/** YARN's exit status for a container preempted or evicted (ContainerExitStatus.PREEMPTED). */
export const PREEMPTED_EXIT_STATUS = -102;

const attemptId = (appId: string, n: number): string =>
  `appattempt_${appId.slice('application_'.length)}_${String(n).padStart(6, '0')}`;

/**
 * Pure: the YARN view of an app from its member pods. ACCEPTED → RUNNING when the AM pod runs; FINISHED/SUCCEEDED
 * when it exits 0; a failed AM starts another attempt while `maxAppAttempts` allows, else FAILED with the RM's
 * diagnostics. Usage (allocated, MB·s, vcore·s) is recomputed from pod lifetimes, so replays never double-count.
 */
export function deriveApp(app: AppRecord, pods: readonly MemberPod[], now: number, unit?: UnitView): Derived {
  if (isFinalState(app.state)) return { app, containers: [] };
  const current = app.attempts.at(-1)?.id ?? 1;
  const mine = pods.filter((p) => p.attempt === current && !p.placeholder);
  const am = mine.find((p) => p.yarnRole === 'am');
  const next: AppRecord = { ...app, attempts: app.attempts.map((a) => ({ ...a })) };
  // A record without attempts (written before the gateway stored attempt 1 at admission) whose AM pod exists: the
  // pod is the attempt. Without it, an AM that runs before the submit processor records the attempt would leave a
  // RUNNING app with no attempt to fail, and an evicted AM would never be retried.
  if (!next.attempts.length && am)
    next.attempts.push({ id: current, state: 'SCHEDULED', startTime: am.startTime ?? now, finishedTime: 0 });
  const attempt: AttemptRecord | undefined = next.attempts.at(-1);

  // Usage over every attempt's real members: running ones count now, finished ones until they ended. Preempted
  // members are remembered in the record (their pods are deleted right after the eviction) and count until then.
  let memorySeconds = 0;
  let vcoreSeconds = 0;
  const preempted: Record<string, PreemptedContainer> = { ...app.preemptedContainers };
  const present = new Set<string>();
  for (const p of pods) {
    if (p.placeholder || p.startTime === undefined) continue;
    present.add(p.containerId);
    const seconds = Math.max(0, ((p.finishedTime ?? now) - p.startTime) / 1000);
    memorySeconds += Math.floor(p.memoryMiB * seconds);
    vcoreSeconds += Math.floor(p.vCores * seconds);
    if (p.evicted) {
      preempted[p.containerId] = { am: p.yarnRole === 'am', memoryMiB: p.memoryMiB, vCores: p.vCores, seconds };
    }
  }
  const gone = Object.entries(preempted).filter(([id]) => !present.has(id));
  for (const [, c] of gone) {
    memorySeconds += Math.floor(c.memoryMiB * c.seconds);
    vcoreSeconds += Math.floor(c.vCores * c.seconds);
  }
  const running = mine.filter((p) => p.phase === 'Running');
  next.memorySeconds = memorySeconds;
  next.vcoreSeconds = vcoreSeconds;
  next.allocatedMB = running.reduce((n, p) => n + p.memoryMiB, 0);
  next.allocatedVCores = running.reduce((n, p) => n + p.vCores, 0);
  next.runningContainers = running.length;
  const taken = Object.values(preempted);
  if (taken.length) next.preemptedContainers = preempted;
  next.numNonAMContainerPreempted = taken.filter((c) => !c.am).length;
  next.numAMContainerPreempted = taken.filter((c) => c.am).length;
  next.preemptedResourceMB = taken.reduce((n, c) => n + c.memoryMiB, 0);
  next.preemptedResourceVCores = taken.reduce((n, c) => n + c.vCores, 0);
  next.preemptedMemorySeconds = taken.reduce((n, c) => n + Math.floor(c.memoryMiB * c.seconds), 0);
  next.preemptedVcoreSeconds = taken.reduce((n, c) => n + Math.floor(c.vCores * c.seconds), 0);

  // The AM was evicted and the Eviction API deleted its pod: the attempt ended with it.
  const amPreemptedAndGone =
    !am &&
    attempt?.state === 'RUNNING' &&
    attempt.containerId !== undefined &&
    preempted[attempt.containerId]?.am === true;
  if (am && attempt && am.nodeName) {
    attempt.containerId = am.containerId;
    attempt.nodeId = `${am.nodeName}:8041`;
    attempt.nodeHttpAddress = `${am.nodeName}:8042`;
  }
  if (am?.phase === 'Running' && (next.state === 'ACCEPTED' || next.state === 'SUBMITTED')) {
    next.state = 'RUNNING';
    next.launchTime = am.startTime ?? now;
    next.amHostHttpAddress = `${am.nodeName ?? ''}:8042`;
    next.masterNodeId = `${am.nodeName ?? ''}:8041`;
    next.diagnostics = '';
    if (attempt) attempt.state = 'RUNNING';
  }
  if (next.state === 'RUNNING' && am?.phase === 'Running' && am.startTime !== undefined && am.simulatedDurationMs) {
    // A real AM reports its progress over the AM protocol; a simulated one has run this share of its duration.
    next.progress = Math.min(99, Math.floor(((now - am.startTime) / am.simulatedDurationMs) * 100));
  }
  const waiting = next.state === 'ACCEPTED' && am?.phase !== 'Running' && am?.phase !== 'Succeeded';
  if (waiting && unit?.phase === 'TimedOut') {
    // The gang never fit within its timeout: the RM fails an app whose AM cannot be launched the same way.
    const why = `SchedulingUnit ${unit.key} was not placed: ${unit.message ?? 'timed out'}`;
    if (attempt) Object.assign(attempt, { state: 'FAILED', finishedTime: now, diagnostics: why });
    Object.assign(next, {
      state: 'FAILED',
      finalStatus: 'FAILED',
      finishedTime: now,
      diagnostics: `Application ${app.id} failed 1 times due to ${why}\nFailing this attempt. Failing the application.`,
      allocatedMB: 0,
      allocatedVCores: 0,
      runningContainers: 0,
    });
    return { app: next, containers: containersOf(mine, now), cleanup: true };
  }
  if (waiting && unit?.phase === 'Pending' && unit.message) {
    // What `yarn application -status` shows while ACCEPTED: the scheduler's own reason, as the RM shows its queue's.
    next.diagnostics = `Waiting for the scheduler to place SchedulingUnit ${unit.key}: ${unit.message}`;
  }
  if (am?.phase === 'Succeeded') {
    const end = am.finishedTime ?? now;
    if (attempt) Object.assign(attempt, { state: 'FINISHED', finishedTime: end });
    Object.assign(next, {
      state: 'FINISHED',
      finalStatus: 'SUCCEEDED',
      progress: 100,
      finishedTime: end,
      allocatedMB: 0,
      allocatedVCores: 0,
      runningContainers: 0,
    });
  } else if (am?.phase === 'Failed' || amPreemptedAndGone) {
    const amEvicted = amPreemptedAndGone || am?.evicted === true;
    const end = am?.finishedTime ?? now;
    const code = amEvicted ? PREEMPTED_EXIT_STATUS : (am?.exitCode ?? -1);
    const why = `AM Container for ${attemptId(app.id, current)} exited with  exitCode: ${code}`;
    if (attempt) {
      Object.assign(attempt, { state: 'FAILED', finishedTime: end, diagnostics: why });
      if (amEvicted) attempt.preempted = true;
    }
    // The RM does not count an attempt whose AM was preempted (exit -102) against maxAppAttempts.
    const counted = next.attempts.filter((a) => a.state === 'FAILED' && !a.preempted).length;
    if (counted < app.maxAppAttempts) {
      next.attempts.push({ id: current + 1, state: 'SCHEDULED', startTime: now, finishedTime: 0 });
      next.state = 'ACCEPTED';
      next.diagnostics = amEvicted
        ? `${why}\nFailing this attempt (preempted; not counted against maxAppAttempts). Starting attempt ${current + 1}.`
        : `${why}\nFailing this attempt. Starting attempt ${current + 1} of ${app.maxAppAttempts}.`;
      return { app: next, containers: containersOf(mine, now), retryAttempt: current + 1 };
    }
    Object.assign(next, {
      state: 'FAILED',
      finalStatus: 'FAILED',
      finishedTime: end,
      diagnostics: `Application ${app.id} failed ${app.maxAppAttempts} times due to ${why}\nFailing this attempt. Failing the application.`,
      allocatedMB: 0,
      allocatedVCores: 0,
      runningContainers: 0,
    });
  }
  return { app: next, containers: containersOf(mine, now) };
}

function containersOf(pods: readonly MemberPod[], now: number): ContainerRecord[] {
  return pods
    .filter((p) => p.nodeName && p.startTime !== undefined)
    .map((p) => ({
      containerId: p.containerId,
      allocatedMB: p.memoryMiB,
      allocatedVCores: p.vCores,
      nodeId: `${p.nodeName}:8041`,
      nodeHttpAddress: `${p.nodeName}:8042`,
      priority: 0,
      startedTime: p.startTime ?? now,
      finishedTime: p.finishedTime ?? 0,
      exitStatus: p.evicted ? PREEMPTED_EXIT_STATUS : (p.exitCode ?? -1000),
      state:
        p.phase === 'Running' ? ('RUNNING' as const) : p.phase === 'Pending' ? ('NEW' as const) : ('COMPLETE' as const),
      diagnostics: p.evicted ? 'Container preempted: reclaimed capacity taken back for online pods' : '',
    }));
}
