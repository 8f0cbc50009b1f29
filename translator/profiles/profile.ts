import type { YarnRole } from '../../api/names.ts';
import type { SubmissionContext } from '../../api/submission.ts';
import type { AppRecord } from '../../api/yarn.ts';

/** One kind of member of the unit a profile plans. */
export interface RolePlan {
  /** Unit role name (DNS label). */
  name: string;
  yarnRole: YarnRole;
  count: number;
  /** Per member. */
  cpuMilli: number;
  memoryMiB: number;
  /** Members the AM creates later (Spark executors): placeholder pods hold their places meanwhile. */
  placeholders: boolean;
  /** The pod's command and environment; only the AM role carries the submitter's command. */
  command?: string;
  env?: Record<string, string>;
}

/** What a YARN application becomes on Kubernetes: a gang of roles, `minMember` placed together. */
export interface UnitPlan {
  profile: string;
  roles: RolePlan[];
  minMember: number;
  /** Figures read from the submission, reported back in diagnostics and docs (e.g. executor memory). */
  notes: Record<string, string | number | boolean>;
}

export type ProfileResult = { ok: true; plan: UnitPlan } | { ok: false; diagnostics: string };

export interface ProfileInput {
  app: AppRecord;
  submission: SubmissionContext;
}

/** A pure function from a submission to a unit plan; never throws (a bad submission is a failed result). */
export type Profile = (input: ProfileInput) => ProfileResult;

/** The AM/driver role every profile starts from: the submitted AM resource and command. */
export function amRole(input: ProfileInput, name: string, yarnRole: YarnRole): RolePlan {
  const env = { ...input.submission['am-container-spec'].environment };
  return {
    name,
    yarnRole,
    count: 1,
    cpuMilli: Math.max(1, input.app.amResource.vCores) * 1000,
    memoryMiB: Math.max(1, input.app.amResource.memory),
    placeholders: false,
    command: input.submission['am-container-spec'].commands.join(' '),
    env,
  };
}
