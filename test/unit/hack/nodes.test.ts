import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RACK_LABEL, ZONE_LABEL, KWOK_NODE_ANNOTATION } from '../../../api/names.ts';
import { DEFAULT_NODE_SHAPE, nodeManifest, nodeName, podCidr } from '../../../hack/local-cluster/nodes.ts';

describe('local nodes', () => {
  it('are kwok-managed with capacity, pod limit and topology labels', () => {
    const n = nodeManifest(45);
    assert.equal(n.metadata?.name, 'kwok-node-0045');
    assert.equal(n.metadata?.annotations?.[KWOK_NODE_ANNOTATION], 'fake');
    assert.equal(n.metadata?.labels?.[RACK_LABEL], 'rack-002');
    assert.equal(n.metadata?.labels?.[ZONE_LABEL], 'local-c');
    assert.deepEqual(n.status?.allocatable, { cpu: '32', memory: '128Gi', pods: '110', 'ephemeral-storage': '200Gi' });
  });

  it('spread racks over zones round-robin', () => {
    const zones = Array.from(
      { length: 6 },
      (_, r) => nodeManifest(r * DEFAULT_NODE_SHAPE.nodesPerRack).metadata?.labels?.[ZONE_LABEL],
    );
    assert.deepEqual(zones, ['local-a', 'local-b', 'local-c', 'local-a', 'local-b', 'local-c']);
  });

  it('get distinct pod CIDRs and stable names for 50,000 nodes', () => {
    const cidrs = new Set(Array.from({ length: 50_000 }, (_, i) => podCidr(i)));
    assert.equal(cidrs.size, 50_000);
    assert.equal(nodeName(7), 'kwok-node-0007');
    assert.throws(() => podCidr(254 * 256), RangeError);
  });
});
