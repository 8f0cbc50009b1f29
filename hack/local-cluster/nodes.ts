import type { V1Node } from '@kubernetes/client-node';
import {
  HOSTNAME_LABEL,
  KWOK_NODE_ANNOTATION,
  LOCAL_NODE_LABEL,
  RACK_LABEL,
  REGION_LABEL,
  ZONE_LABEL,
} from '../../api/names.ts';

/** Shape of the fake nodes: what a typical batch/online worker of a mid-size fleet looks like. */
export interface NodeShape {
  /** cpu capacity (a Kubernetes quantity). @defaultValue '32' */
  cpu: string;
  /** memory capacity. @defaultValue '128Gi' */
  memory: string;
  /** max pods per node, as the kubelet's --max-pods. @defaultValue 110 */
  pods: number;
  /** nodes per rack (racks fill zones round-robin). @defaultValue 20 */
  nodesPerRack: number;
  /** number of zones. @defaultValue 3 */
  zones: number;
}

export const DEFAULT_NODE_SHAPE: NodeShape = { cpu: '32', memory: '128Gi', pods: 110, nodesPerRack: 20, zones: 3 };

/** Deterministic node name for index `i` (stable across `up` runs, so the node set converges). */
export const nodeName = (i: number): string => `kwok-node-${String(i).padStart(4, '0')}`;

/**
 * The Node object for index `i`. Node status may be set on create, so capacity is there from the first moment;
 * kwok then adds conditions and addresses. Each node gets its own /24 pod CIDR because node IPAM is off.
 */
export function nodeManifest(i: number, shape: NodeShape = DEFAULT_NODE_SHAPE): V1Node {
  const rack = Math.floor(i / shape.nodesPerRack);
  const zone = String.fromCharCode('a'.charCodeAt(0) + (rack % shape.zones));
  const name = nodeName(i);
  const resources = {
    cpu: shape.cpu,
    memory: shape.memory,
    pods: String(shape.pods),
    'ephemeral-storage': '200Gi',
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        [HOSTNAME_LABEL]: name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': `kwok-${shape.cpu}c-${shape.memory}`,
        [REGION_LABEL]: 'local',
        [ZONE_LABEL]: `local-${zone}`,
        [RACK_LABEL]: `rack-${String(rack).padStart(3, '0')}`,
        [LOCAL_NODE_LABEL]: 'true',
        type: 'kwok',
      },
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR: podCidr(i), podCIDRs: [podCidr(i)] },
    status: { capacity: resources, allocatable: resources },
  };
}

/** 10.<1+i/256>.<i%256>.0/24: room for 65,000 nodes of 254 pods each. */
export function podCidr(i: number): string {
  if (i < 0 || i >= 254 * 256) throw new RangeError(`node index ${i} out of range`);
  return `10.${1 + Math.floor(i / 256)}.${i % 256}.0/24`;
}
