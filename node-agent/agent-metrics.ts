import type { Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { serveMetrics } from '../api/serve-metrics.ts';
import type { TickResult } from './agent.ts';

const perNode = (registry: Registry, name: string, help: string): Gauge<'node'> =>
  new Gauge({ name, help, labelNames: ['node'], registers: [registry] });

/**
 * Prometheus metrics of the node agent, one series per node (a fleet process serves many): what online pods use and
 * are estimated to need, what was published as reclaimable, what batch uses of it, throttling and evictions.
 */
export class AgentMetrics {
  readonly registry = new Registry();
  private readonly allocatableCpu = perNode(
    this.registry,
    'loom_node_allocatable_millicpu',
    'The node’s cpu allocatable, millicores: the whole that online, batch, reclaimable and idle split.',
  );
  private readonly onlineCpu = perNode(
    this.registry,
    'loom_node_online_usage_millicpu',
    'CPU used by online (non-reclaimed) pods, millicores.',
  );
  private readonly onlineMemory = perNode(
    this.registry,
    'loom_node_online_usage_memory_bytes',
    'Working set of online pods, bytes.',
  );
  private readonly estimateCpu = perNode(
    this.registry,
    'loom_node_online_estimate_millicpu',
    'Σ max(usage × margin, recent peak) over online pods: what the agent holds back for them.',
  );
  private readonly reclaimableCpu = perNode(
    this.registry,
    'loom_node_reclaimable_millicpu',
    'Reclaimed cpu published on the node (its reclaimed_millicpu allocatable).',
  );
  private readonly reclaimableMemory = perNode(
    this.registry,
    'loom_node_reclaimable_memory_bytes',
    'Reclaimed memory published on the node (its reclaimed_memory allocatable).',
  );
  private readonly reclaimedCpu = perNode(
    this.registry,
    'loom_node_reclaimed_in_use_millicpu',
    'CPU used by reclaimed_cores (batch) pods, millicores.',
  );
  private readonly reclaimedMemory = perNode(
    this.registry,
    'loom_node_reclaimed_in_use_memory_bytes',
    'Working set of reclaimed_cores (batch) pods, bytes.',
  );
  private readonly reclaimedPods = perNode(
    this.registry,
    'loom_node_reclaimed_pods',
    'Running reclaimed_cores pods on the node.',
  );
  private readonly throttled = perNode(
    this.registry,
    'loom_node_reclaimed_throttled_seconds',
    'Cumulative time the reclaimed (BestEffort) slice was throttled (real nodes).',
  );
  private readonly evictions = new Counter({
    name: 'loom_node_evictions_total',
    help: 'reclaimed_cores pods evicted to give capacity back to online pods, by resource.',
    labelNames: ['node', 'resource'],
    registers: [this.registry],
  });
  private readonly tickDuration = new Histogram({
    name: 'loom_node_agent_tick_duration_seconds',
    help: 'Time of one sample → publish → evict round for one node.',
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });

  constructor() {
    // Event-loop lag sampled once a second, not prom-client's default 10 ms: on a node agent that wake-up alone cost
    // 0.6 % of a core (bench/node-agent), more than the agent's own work.
    collectDefaultMetrics({ register: this.registry, prefix: 'loom_node_agent_', eventLoopMonitoringPrecision: 1000 });
  }

  record(r: TickResult, seconds: number): void {
    const node = r.node;
    this.allocatableCpu.set({ node }, r.allocatable.milliCpu);
    this.onlineCpu.set({ node }, r.decision.onlineUsage.milliCpu);
    this.onlineMemory.set({ node }, r.decision.onlineUsage.memory);
    this.estimateCpu.set({ node }, r.decision.onlineEstimate.milliCpu);
    this.reclaimableCpu.set({ node }, r.decision.published.milliCpu);
    this.reclaimableMemory.set({ node }, r.decision.published.memory);
    this.reclaimedCpu.set({ node }, r.reclaimedUsage.milliCpu);
    this.reclaimedMemory.set({ node }, r.reclaimedUsage.memory);
    this.reclaimedPods.set({ node }, r.reclaimedPods);
    if (r.sample.reclaimedThrottle) this.throttled.set({ node }, r.sample.reclaimedThrottle.throttledUsec / 1e6);
    this.tickDuration.observe(seconds);
  }

  evicted(node: string, resource: string): void {
    this.evictions.inc({ node, resource });
  }

  /** Drops a node's series (gone from the fleet). */
  forget(node: string): void {
    for (const g of [
      this.allocatableCpu,
      this.onlineCpu,
      this.onlineMemory,
      this.estimateCpu,
      this.reclaimableCpu,
      this.reclaimableMemory,
      this.reclaimedCpu,
      this.reclaimedMemory,
      this.reclaimedPods,
      this.throttled,
    ])
      g.remove({ node });
  }

  serve(port: number): Promise<Server> {
    return serveMetrics(this.registry, port);
  }
}
