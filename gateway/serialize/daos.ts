import { bool, float, int, list, long, map, obj, root, str, strInt, strLong, type ObjectSchema } from './schema.ts';

/**
 * Every DAO the gateway answers with, in the field order a Hadoop 3.4.1 RM emits (RMWebServices' JAXB classes).
 * Wrapped roots put the root name around the JSON object; unwrapped ones (`NewApplication`, `appstate`, ...) do not.
 */

export const resourceInformation = obj([
  ['attributes', map(str)],
  ['maximumAllocation', long],
  ['minimumAllocation', long],
  ['name', str],
  ['resourceType', str],
  ['units', str],
  ['value', long],
]);

/** ResourceInfo: memory (MB), vCores, and the typed resource list (3.1+). */
export const resourceInfo = obj([
  ['memory', long],
  ['vCores', int],
  ['resourceInformations', obj([['resourceInformation', list(resourceInformation)]])],
]);

export const clusterInfo = root(
  'clusterInfo',
  obj([
    ['id', long],
    ['startedOn', long],
    ['state', str],
    ['haState', str],
    ['rmStateStoreName', str],
    ['resourceManagerVersion', str],
    ['resourceManagerBuildVersion', str],
    ['resourceManagerVersionBuiltOn', str],
    ['hadoopVersion', str],
    ['hadoopBuildVersion', str],
    ['hadoopVersionBuiltOn', str],
    ['haZooKeeperConnectionState', str],
  ]),
);

export const clusterMetrics = root(
  'clusterMetrics',
  obj([
    ['appsSubmitted', int],
    ['appsCompleted', int],
    ['appsPending', int],
    ['appsRunning', int],
    ['appsFailed', int],
    ['appsKilled', int],
    ['reservedMB', long],
    ['availableMB', long],
    ['allocatedMB', long],
    ['pendingMB', long],
    ['reservedVirtualCores', long],
    ['availableVirtualCores', long],
    ['allocatedVirtualCores', long],
    ['pendingVirtualCores', long],
    ['containersAllocated', int],
    ['containersReserved', int],
    ['containersPending', int],
    ['totalMB', long],
    ['utilizedMB', long],
    ['totalVirtualCores', long],
    ['utilizedVirtualCores', long],
    ['utilizedMBPercent', int],
    ['utilizedVirtualCoresPercent', int],
    ['rmSchedulerBusyPercent', int],
    ['totalNodes', int],
    ['lostNodes', int],
    ['unhealthyNodes', int],
    ['decommissioningNodes', int],
    ['decommissionedNodes', int],
    ['rebootedNodes', int],
    ['activeNodes', int],
    ['shutdownNodes', int],
    ['containerAssignedPerSecond', int],
    ['totalUsedResourcesAcrossPartition', resourceInfo],
    ['totalClusterResourcesAcrossPartition', resourceInfo],
    ['totalReservedResourcesAcrossPartition', resourceInfo],
    ['totalAllocatedContainersAcrossPartition', int],
    ['crossPartitionMetricsAvailable', bool],
    ['rmEventQueueSize', int],
    ['schedulerEventQueueSize', int],
  ]),
);

const timeout = obj([
  ['type', str],
  ['expiryTime', str],
  ['remainingTimeInSeconds', long],
]);
const timeoutsField = obj([['timeout', list(timeout)]]);

const resourceRequest = obj([
  ['priority', int],
  ['allocationRequestId', long],
  ['resourceName', str],
  ['capability', resourceInfo],
  ['numContainers', int],
  ['relaxLocality', bool],
  ['nodeLabelExpression', str],
  [
    'executionTypeRequest',
    obj([
      ['executionType', str],
      ['enforceExecutionType', bool],
    ]),
  ],
  ['enforceExecutionType', bool],
]);

/** Per-partition usage (`resourceUsagesByPartition`), on apps and on queues. */
export const partitionUsage = obj([
  ['partitionName', str],
  ['used', resourceInfo],
  ['reserved', resourceInfo],
  ['pending', resourceInfo],
  ['amUsed', resourceInfo],
  ['amLimit', resourceInfo],
  ['userAmLimit', resourceInfo],
]);

/** AppInfo (`{"app":{...}}`), declaration order of Hadoop 3.4. */
export const appInfo: ObjectSchema = obj([
  ['id', str],
  ['user', str],
  ['name', str],
  ['queue', str],
  ['state', str],
  ['finalStatus', str],
  ['progress', float],
  ['trackingUI', str],
  ['trackingUrl', str],
  ['diagnostics', str],
  ['clusterId', long],
  ['applicationType', str],
  ['applicationTags', str],
  ['priority', int],
  ['startedTime', long],
  ['launchTime', long],
  ['finishedTime', long],
  ['elapsedTime', long],
  ['amContainerLogs', str],
  ['amHostHttpAddress', str],
  ['amRPCAddress', str],
  ['masterNodeId', str],
  ['allocatedMB', long],
  ['allocatedVCores', long],
  ['reservedMB', long],
  ['reservedVCores', long],
  ['runningContainers', int],
  ['memorySeconds', long],
  ['vcoreSeconds', long],
  ['queueUsagePercentage', float],
  ['clusterUsagePercentage', float],
  ['resourceSecondsMap', map(strLong)],
  ['preemptedResourceMB', long],
  ['preemptedResourceVCores', long],
  ['numNonAMContainerPreempted', int],
  ['numAMContainerPreempted', int],
  ['preemptedMemorySeconds', long],
  ['preemptedVcoreSeconds', long],
  ['preemptedResourceSecondsMap', map(strLong)],
  ['resourceRequests', list(resourceRequest)],
  ['logAggregationStatus', str],
  ['unmanagedApplication', bool],
  ['appNodeLabelExpression', str],
  ['amNodeLabelExpression', str],
  ['resourceInfo', obj([['resourceUsagesByPartition', list(partitionUsage)]])],
  ['timeouts', timeoutsField],
]);

export const app = root('app', appInfo);
export const apps = root('apps', obj([['app', list(appInfo)]]));

/** RM AppAttemptInfo, as listed under /appattempts. */
export const appAttemptInfo = obj([
  ['id', int],
  ['startTime', long],
  ['finishedTime', long],
  ['containerId', str],
  ['nodeHttpAddress', str],
  ['nodeId', str],
  ['logsLink', str],
  ['blacklistedNodes', str],
  ['nodesBlacklistedBySystem', str],
  ['appAttemptId', str],
  ['exportPorts', str],
  ['appAttemptState', str],
]);
export const appAttempts = root('appAttempts', obj([['appAttempt', list(appAttemptInfo)]]));

/** Server-common AppAttemptInfo (single attempt): unwrapped JSON, every number a string (mapped notation). */
export const appAttempt = root(
  'appAttempt',
  obj([
    ['appAttemptId', str],
    ['host', str],
    ['rpcPort', strInt],
    ['trackingUrl', str],
    ['originalTrackingUrl', str],
    ['diagnosticsInfo', str],
    ['appAttemptState', str],
    ['amContainerId', str],
    ['startedTime', strLong],
    ['finishedTime', strLong],
  ]),
  false,
);

/** ContainerInfo: mapped notation (numbers as strings). */
export const containerInfo = obj([
  ['containerId', str],
  ['allocatedMB', strLong],
  ['allocatedVCores', strLong],
  ['assignedNodeId', str],
  ['priority', strInt],
  ['startedTime', strLong],
  ['finishedTime', strLong],
  ['elapsedTime', strLong],
  ['diagnosticsInfo', str],
  ['logUrl', str],
  ['containerExitStatus', strInt],
  ['containerState', str],
  ['nodeHttpAddress', str],
  ['nodeId', str],
  ['allocatedResources', map(strLong)],
  ['exposedPorts', map(str)],
]);
/** The list is unwrapped (`{"container":[...]}`); the single container is wrapped (`{"container":{...}}`). */
export const containers = root('containers', obj([['container', list(containerInfo)]]), false);
export const container = root('container', containerInfo);

export const nodeInfo = obj([
  ['rack', str],
  ['state', str],
  ['id', str],
  ['nodeHostName', str],
  ['nodeHTTPAddress', str],
  ['lastHealthUpdate', long],
  ['version', str],
  ['healthReport', str],
  ['numContainers', int],
  ['usedMemoryMB', long],
  ['availMemoryMB', long],
  ['usedVirtualCores', long],
  ['availableVirtualCores', long],
  ['memUtilization', float],
  ['cpuUtilization', float],
  ['numRunningOpportContainers', int],
  ['usedMemoryOpportGB', long],
  ['usedVirtualCoresOpport', int],
  ['numQueuedContainers', int],
  ['nodeLabels', list(str)],
  [
    'allocationTags',
    obj([
      [
        'allocationTagInfo',
        list(
          obj([
            ['allocationTag', str],
            ['allocationsCount', long],
          ]),
        ),
      ],
    ]),
  ],
  [
    'resourceUtilization',
    obj([
      ['nodePhysicalMemoryMB', int],
      ['nodeVirtualMemoryMB', int],
      ['nodeCPUUsage', float],
      ['aggregatedContainersPhysicalMemoryMB', int],
      ['aggregatedContainersVirtualMemoryMB', int],
      ['containersCPUUsage', float],
    ]),
  ],
  ['usedResource', resourceInfo],
  ['availableResource', resourceInfo],
  ['totalResource', resourceInfo],
  [
    'nodeAttributesInfo',
    obj([
      [
        'nodeAttributeInfo',
        list(
          obj([
            ['prefix', str],
            ['name', str],
            ['type', str],
            ['value', str],
          ]),
        ),
      ],
    ]),
  ],
]);
export const node = root('node', nodeInfo);
export const nodes = root('nodes', obj([['node', list(nodeInfo)]]));

export const appStatInfo = root(
  'appStatInfo',
  obj([
    [
      'statItem',
      list(
        obj([
          ['state', str],
          ['type', str],
          ['count', long],
        ]),
      ),
    ],
  ]),
);

export const timeouts = root('timeouts', timeoutsField);
export const timeoutRoot = root('timeout', timeout);

export const appState = root(
  'appstate',
  obj([
    ['state', str],
    ['diagnostics', str],
  ]),
  false,
);
export const appQueue = root('appqueue', obj([['queue', str]]), false);
export const appPriority = root('applicationpriority', obj([['priority', int]]), false);

export const newApplication = root(
  'NewApplication',
  obj([
    ['application-id', str],
    ['maximum-resource-capability', resourceInfo],
  ]),
  false,
);

export const remoteException = root(
  'RemoteException',
  obj([
    ['exception', str],
    ['message', str],
    ['javaClassName', str],
  ]),
);
