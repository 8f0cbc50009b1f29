import { z } from 'zod';
import { API_VERSION, QUEUE } from './names.ts';
import { ResourceList } from './resources.ts';

/** Elastic tiers of the seed: Reserved queues run on guaranteed resources, Spot queues on reclaimed ones. */
export const QUEUE_TIERS = ['reserved', 'spot'] as const;
export type QueueTier = (typeof QUEUE_TIERS)[number];

/** The QoS level batch pods of a queue tier run at. */
export const qosOfTier = (tier: QueueTier): 'shared_cores' | 'reclaimed_cores' =>
  tier === 'reserved' ? 'shared_cores' : 'reclaimed_cores';

/** YARN queue states, as the CapacityScheduler reports them. */
export const QUEUE_STATES = ['RUNNING', 'STOPPED'] as const;

/**
 * YARN ACL string: `users groups`, comma-separated on each side of one space; `*` is everyone and a single
 * space is nobody (CapacityScheduler's `acl_submit_applications` / `acl_administer_queue`).
 */
export const YarnAcl = z
  .string()
  .max(4096)
  .regex(/^(\*|[^\s]*( [^\s]*)?| )$/, 'a YARN ACL is "users groups" (comma lists), "*" or " "');

/**
 * A queue in the CapacityScheduler model (cluster-scoped): guaranteed resources it may always use, a `max` it may
 * borrow up to when others are idle, and a weight for sharing what is left.
 */
export const QueueSpec = z.object({
  parent: z.string().min(1).max(253).optional().describe('Parent queue name; absent for the root.'),
  guaranteed: ResourceList.optional().describe('Resources always available to the queue (YARN capacity).'),
  max: ResourceList.optional().describe('Upper bound including borrowed resources (YARN maximum-capacity).'),
  capacity: z
    .number()
    .min(0)
    .max(100)
    .optional()
    .describe('Percent of the parent guaranteed to this queue (YARN capacity); an alternative to `guaranteed`.'),
  maximumCapacity: z
    .number()
    .min(0)
    .max(100)
    .optional()
    .describe('Percent of the parent this queue may grow to (YARN maximum-capacity); an alternative to `max`.'),
  weight: z.number().int().min(1).max(1_000_000).default(1),
  tier: z
    .enum(QUEUE_TIERS)
    .default('spot')
    .describe(
      'reserved: batch runs shared_cores on guaranteed cpu/memory; spot: reclaimed_cores on reclaimed capacity.',
    ),
  maxApplications: z.number().int().min(0).max(10_000_000).optional(),
  state: z.enum(QUEUE_STATES).default('RUNNING'),
  acl: z
    .object({
      submit: YarnAcl.default('*').describe('Who may submit applications (acl_submit_applications).'),
      administer: YarnAcl.default('*').describe('Who may administer: kill, move (acl_administer_queue).'),
    })
    .optional(),
});
export type QueueSpec = z.infer<typeof QueueSpec>;

export const QueueStatus = z.object({
  used: ResourceList.optional(),
  pendingApplications: z.number().int().min(0).optional(),
  runningApplications: z.number().int().min(0).optional(),
});

/** A Queue object as read from or written to the apiserver. */
export const Queue = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal(QUEUE.kind),
  metadata: z.looseObject({ name: z.string() }),
  spec: QueueSpec,
  status: QueueStatus.optional(),
});
export type Queue = z.infer<typeof Queue>;
