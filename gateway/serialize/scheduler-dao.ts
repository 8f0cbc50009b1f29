import { resourceInfo } from './daos.ts';
import {
  bool,
  choice,
  float,
  int,
  list,
  long,
  obj,
  root,
  str,
  type FieldSpec,
  type ObjectSchema,
  type Value,
} from './schema.ts';

/** CapacityScheduler queue DAOs (`CapacitySchedulerQueueInfo` and its leaf subtype), field order of 3.4. */

const queueAcls = obj([
  [
    'queueAcl',
    list(
      obj([
        ['accessType', str],
        ['accessControlList', str],
      ]),
    ),
  ],
]);

/** Per-partition capacities (`capacities.queueCapacitiesByPartition`), read by Enterprise Gateway and yarn-api-client. */
const capacities = obj([
  [
    'queueCapacitiesByPartition',
    list(
      obj([
        ['partitionName', str],
        ['capacity', float],
        ['usedCapacity', float],
        ['maxCapacity', float],
        ['absoluteCapacity', float],
        ['absoluteUsedCapacity', float],
        ['absoluteMaxCapacity', float],
        ['maxAMLimitPercentage', float],
        ['weight', float],
        ['normalizedWeight', float],
        ['configuredMinResource', resourceInfo],
        ['configuredMaxResource', resourceInfo],
        ['effectiveMinResource', resourceInfo],
        ['effectiveMaxResource', resourceInfo],
      ]),
    ),
  ],
]);

const resources = obj([
  [
    'resourceUsagesByPartition',
    list(
      obj([
        ['partitionName', str],
        ['used', resourceInfo],
        ['reserved', resourceInfo],
        ['pending', resourceInfo],
        ['amUsed', resourceInfo],
        ['amLimit', resourceInfo],
        ['userAmLimit', resourceInfo],
      ]),
    ),
  ],
]);

const commonFields: [string, ObjectSchema['fields'][number]['schema']][] = [
  ['queuePath', str],
  ['capacity', float],
  ['usedCapacity', float],
  ['maxCapacity', float],
  ['absoluteCapacity', float],
  ['absoluteMaxCapacity', float],
  ['absoluteUsedCapacity', float],
  ['weight', float],
  ['normalizedWeight', float],
  ['numApplications', int],
  ['maxParallelApps', int],
  ['queueName', str],
  ['isAbsoluteResource', bool],
  ['state', str],
  ['resourcesUsed', resourceInfo],
  ['hideReservationQueues', bool],
  ['nodeLabels', list(str)],
  ['allocatedContainers', int],
  ['reservedContainers', int],
  ['pendingContainers', int],
  ['capacities', capacities],
  ['resources', resources],
  ['queueAcls', queueAcls],
  ['queuePriority', int],
  ['mode', str],
  ['queueType', str],
  ['creationMethod', str],
];

const parentQueue = obj(commonFields);
const leafQueue = obj(
  [
    ...commonFields,
    ['numActiveApplications', int],
    ['numPendingApplications', int],
    ['numContainers', int],
    ['maxApplications', int],
    ['maxApplicationsPerUser', int],
    ['userLimit', float],
    ['userLimitFactor', float],
    ['preemptionDisabled', bool],
    ['intraQueuePreemptionDisabled', bool],
    ['defaultPriority', int],
    ['isAutoCreatedLeafQueue', bool],
    ['maxApplicationLifetime', long],
    ['defaultApplicationLifetime', long],
  ],
  'capacitySchedulerLeafQueueInfo',
);
const anyQueue = choice((v: Value) => ((v as Record<string, Value>).leaf ? leafQueue : parentQueue));
const queuesField: FieldSpec = { name: 'queues', schema: obj([['queue', list(anyQueue)]]) };
// Parents nest queues; the field is added after construction because the schema is recursive.
(parentQueue.fields as FieldSpec[]).push(queuesField);

/** `{"scheduler":{"schedulerInfo":{"type":"capacityScheduler",...}}}` */
export const schedulerDao = root(
  'scheduler',
  obj([
    [
      'schedulerInfo',
      obj(
        [
          ['capacity', float],
          ['usedCapacity', float],
          ['maxCapacity', float],
          ['weight', float],
          ['normalizedWeight', float],
          ['queueName', str],
          ['queuePath', str],
          ['maxParallelApps', int],
          ['isAbsoluteResource', bool],
          ['queues', obj([['queue', list(anyQueue)]])],
          ['capacities', capacities],
          ['maximumAllocation', resourceInfo],
          ['queueAcls', queueAcls],
          ['queuePriority', int],
          ['mode', str],
          ['queueType', str],
          ['creationMethod', str],
        ],
        'capacityScheduler',
      ),
    ],
  ]),
);
