import type { Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { serveMetrics } from '../../api/serve-metrics.ts';
import type { PipelineObserver } from '../pipeline.ts';

/** Prometheus metrics of the scheduler, named like kube-scheduler's where they mean the same. */
export class SchedulerMetrics {
  readonly registry = new Registry();
  private readonly attempts = new Counter({
    name: 'loom_scheduler_schedule_attempts_total',
    help: 'Unit scheduling attempts by result.',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly attemptDuration = new Histogram({
    name: 'loom_scheduler_scheduling_attempt_duration_seconds',
    help: 'Time to find nodes for a unit (scheduler stage, before binding).',
    labelNames: ['result'],
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
    registers: [this.registry],
  });
  private readonly placedMembers = new Counter({
    name: 'loom_scheduler_placed_members_total',
    help: 'Members committed by the binder.',
    registers: [this.registry],
  });
  private readonly conflicts = new Counter({
    name: 'loom_scheduler_binder_conflicts_total',
    help: 'Proposals whose first choice was taken by another worker and resolved with an alternate or a new search.',
    registers: [this.registry],
  });
  private readonly bindings = new Histogram({
    name: 'loom_scheduler_binding_duration_seconds',
    help: 'Binding subresource writes by outcome.',
    labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly pendingUnits = new Gauge({
    name: 'loom_scheduler_pending_units',
    help: 'Units with members waiting to be placed.',
    registers: [this.registry],
  });
  readonly unschedulableUnits = new Gauge({
    name: 'loom_scheduler_unschedulable_units',
    help: 'Pending units parked until a cluster event could let them fit, or until their SchedulingUnit appears (not attempted meanwhile).',
    registers: [this.registry],
  });
  private readonly woken = new Counter({
    name: 'loom_scheduler_woken_units_total',
    help: 'Parked units sent back to the queue by a cluster event (a pod leaving, a node added or changed).',
    registers: [this.registry],
  });
  private readonly rounds = new Histogram({
    name: 'loom_scheduler_round_duration_seconds',
    help: 'Event-loop time of one dispatch round (proposals and commits); Bindings and informers wait meanwhile.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly pendingPods = new Gauge({
    name: 'loom_scheduler_pending_pods',
    help: 'Pods waiting to be placed.',
    registers: [this.registry],
  });
  readonly bindQueue = new Gauge({
    name: 'loom_scheduler_binding_queue',
    help: 'Committed members whose Binding is queued or in flight.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'loom_scheduler_' });
  }

  readonly observer: PipelineObserver = {
    attempt: (result, seconds, members) => {
      this.attempts.inc({ result });
      this.attemptDuration.observe({ result }, seconds);
      if (result === 'scheduled') this.placedMembers.inc(members);
    },
    conflicts: (n) => this.conflicts.inc(n),
    round: (seconds) => this.rounds.observe(seconds),
    woken: (n) => this.woken.inc(n),
    binding: (outcome, seconds) => this.bindings.observe({ outcome }, seconds),
  };

  /** Serves `/metrics` on 127.0.0.1:`port` (0 picks a free port). */
  serve(port: number): Promise<Server> {
    return serveMetrics(this.registry, port);
  }
}
