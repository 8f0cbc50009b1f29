import { partitionUsage, resourceInfo } from './daos.ts';
import {
  bool,
  choice,
  float,
  int,
  list,
  long,
  map,
  obj,
  root,
  str,
  type FieldSpec,
  type ObjectSchema,
  type Value,
} from './schema.ts';

/**
 * CapacityScheduler DAOs (`CapacitySchedulerInfo`, `CapacitySchedulerQueueInfo`, `...LeafQueueInfo`), in the field
 * order a Hadoop 3.4.1 RM emits them (checked against a real one by hack/conformance).
 */

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
const capacityVector = obj([
  ['configuredCapacityVector', str],
  [
    'capacityVectorEntries',
    list(
      obj([
        ['resourceName', str],
        ['resourceValue', str],
      ]),
    ),
  ],
]);

const capacities = obj([
  [
    'queueCapacitiesByPartition',
    list(
      obj([
        ['partitionName', str],
        ['queueCapacityVectorInfo', capacityVector],
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

const resources = obj([['resourceUsagesByPartition', list(partitionUsage)]]);

const health = obj([
  ['lastrun', long],
  [
    'operationsInfo',
    list(
      obj([
        ['operation', str],
        ['nodeId', str],
        ['containerId', str],
        ['queue', str],
      ]),
    ),
  ],
  [
    'lastRunDetails',
    list(
      obj([
        ['operation', str],
        ['count', long],
        ['resources', resourceInfo],
      ]),
    ),
  ],
]);

const templateFields: [string, ObjectSchema['fields'][number]['schema']][] = [
  ['autoCreationEligibility', str],
  ['autoQueueTemplateProperties', map(str)],
  ['autoQueueParentTemplateProperties', map(str)],
  ['autoQueueLeafTemplateProperties', map(str)],
];

const queueHead: [string, ObjectSchema['fields'][number]['schema']][] = [
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
  ['minEffectiveCapacity', resourceInfo],
  ['maxEffectiveCapacity', resourceInfo],
  ['maximumAllocation', resourceInfo],
  ['queueAcls', queueAcls],
  ['queuePriority', int],
  ['orderingPolicyInfo', str],
  ['autoCreateChildQueueEnabled', bool],
  ['leafQueueTemplate', map(str)],
  ['mode', str],
  ['queueType', str],
  ['creationMethod', str],
  ...templateFields,
];

/**
 * CapacityScheduler's UserInfo (`UsersManager.getUsersInfo`): one per user with unfinished apps in a leaf queue, in
 * the order of its fields there.
 */
const userInfo = obj([
  ['username', str],
  ['resourcesUsed', resourceInfo],
  ['numPendingApplications', int],
  ['numActiveApplications', int],
  ['AMResourceUsed', resourceInfo],
  ['userResourceLimit', resourceInfo],
  ['resources', resources],
  ['userWeight', float],
  ['isActive', bool],
]);

const parentQueue = obj(queueHead);
const leafQueue = obj(
  [
    ...queueHead,
    ['numActiveApplications', int],
    ['numPendingApplications', int],
    ['numContainers', int],
    ['maxApplications', int],
    ['maxApplicationsPerUser', int],
    ['userLimit', float],
    ['users', obj([['user', list(userInfo)]])],
    ['userLimitFactor', float],
    ['configuredMaxAMResourceLimit', float],
    ['AMResourceLimit', resourceInfo],
    ['usedAMResource', resourceInfo],
    ['userAMResourceLimit', resourceInfo],
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
// Parents nest queues; added after construction because the schema is recursive.
(parentQueue.fields as FieldSpec[]).splice(13, 0, { name: 'queues', schema: obj([['queue', list(anyQueue)]]) });

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
          ['queueCapacityVectorInfo', capacityVector],
          ['queueName', str],
          ['queuePath', str],
          ['maxParallelApps', int],
          ['isAbsoluteResource', bool],
          ['queues', obj([['queue', list(anyQueue)]])],
          ['capacities', capacities],
          ['health', health],
          ['maximumAllocation', resourceInfo],
          ['queueAcls', queueAcls],
          ['queuePriority', int],
          ['orderingPolicyInfo', str],
          ['mode', str],
          ['queueType', str],
          ['creationMethod', str],
          ...templateFields,
        ],
        'capacityScheduler',
      ),
    ],
  ]),
);
