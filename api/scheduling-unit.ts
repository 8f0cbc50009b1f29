import { z } from 'zod';
import { API_VERSION, QOS_LEVELS, SCHEDULING_UNIT, YARN_ROLES } from './names.ts';
import { ResourceList } from './resources.ts';

/** Most members a single role may declare; bounds CEL validation cost in the apiserver. */
export const MAX_ROLE_COUNT = 100_000;
/** Most roles a unit may declare. */
export const MAX_ROLES = 16;
/** Default time a unit may stay pending before it times out (seconds). */
export const DEFAULT_UNIT_TIMEOUT_SECONDS = 300;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** One kind of member in a gang (Spark driver, executors, ...). */
export const UnitRole = z.object({
  name: z.string().max(63).regex(DNS_LABEL).describe('Role name, matched by the scheduling.loom.dev/role pod label.'),
  count: z.number().int().min(0).max(MAX_ROLE_COUNT).describe('How many members of this role the unit has.'),
  requests: ResourceList.describe('Resources each member of this role requests.'),
  qosLevel: z.enum(QOS_LEVELS).optional().describe('Katalyst QoS level of the role’s pods.'),
  placeholders: z
    .boolean()
    .optional()
    .describe('Members appear later (e.g. Spark executors); placeholder pods reserve their place meanwhile.'),
});
export type UnitRole = z.infer<typeof UnitRole>;

/** YARN identity of the application a unit runs, when it came through the gateway. */
export const UnitApplication = z.object({
  id: z.string().regex(/^application_[0-9]+_[0-9]+$/),
  attempt: z.number().int().min(1),
  user: z.string().min(1).max(256).optional(),
  type: z.string().max(256).optional(),
  name: z.string().max(1024).optional(),
});

export const UNIT_MODES = ['hard', 'soft'] as const;

/** Spec of a gang: the scheduler places at least `minMember` members together or none. */
export const SchedulingUnitSpec = z
  .object({
    queue: z.string().min(1).max(253).default('default').describe('Queue the unit is admitted through.'),
    priority: z.number().int().min(-2147483648).max(2147483647).default(0),
    minMember: z
      .number()
      .int()
      .min(1)
      .max(MAX_ROLE_COUNT * MAX_ROLES)
      .describe('Members placed all-or-nothing.'),
    roles: z.array(UnitRole).min(1).max(MAX_ROLES).optional(),
    timeoutSeconds: z.number().int().min(1).max(86_400).default(DEFAULT_UNIT_TIMEOUT_SECONDS),
    mode: z
      .enum(UNIT_MODES)
      .default('hard')
      .describe('hard: fail the unit at timeout; soft: place what fits at timeout.'),
    application: UnitApplication.optional(),
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: '!has(self.roles) || self.minMember <= self.roles.map(r, r.count).sum()',
        message: 'minMember must not exceed the total count of the roles',
      },
    ],
  })
  .refine((s) => !s.roles || s.minMember <= s.roles.reduce((n, r) => n + r.count, 0), {
    message: 'minMember must not exceed the total count of the roles',
    path: ['minMember'],
  });
export type SchedulingUnitSpec = z.infer<typeof SchedulingUnitSpec>;

export const UNIT_PHASES = [
  'Pending',
  'Scheduling',
  'Scheduled',
  'Running',
  'Succeeded',
  'Failed',
  'TimedOut',
] as const;
export type UnitPhase = (typeof UNIT_PHASES)[number];

/** A Kubernetes-style condition. */
export const Condition = z.object({
  type: z.string().min(1).max(316),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().max(1024).optional(),
  message: z.string().max(32768).optional(),
  lastTransitionTime: z.string().optional(),
  observedGeneration: z.number().int().min(0).optional(),
});

export const SchedulingUnitStatus = z.object({
  phase: z.enum(UNIT_PHASES).optional(),
  members: z
    .object({
      total: z.number().int().min(0),
      scheduled: z.number().int().min(0),
      running: z.number().int().min(0),
      succeeded: z.number().int().min(0),
      failed: z.number().int().min(0),
    })
    .partial()
    .optional(),
  conditions: z.array(Condition).max(32).optional(),
  scheduledTime: z.string().optional(),
  observedGeneration: z.number().int().min(0).optional(),
});
export type SchedulingUnitStatus = z.infer<typeof SchedulingUnitStatus>;

/** A SchedulingUnit object as read from or written to the apiserver. */
export const SchedulingUnit = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal(SCHEDULING_UNIT.kind),
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
  spec: SchedulingUnitSpec,
  status: SchedulingUnitStatus.optional(),
});
export type SchedulingUnit = z.infer<typeof SchedulingUnit>;

/** YARN roles are a subset of unit role names: keep the two vocabularies connected. */
export const isYarnRole = (role: string): boolean => (YARN_ROLES as readonly string[]).includes(role);
