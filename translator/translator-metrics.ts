import type { Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { serveMetrics } from '../api/serve-metrics.ts';

/** Prometheus metrics of the translator: jobs by queue and outcome, status reconciles, leadership. */
export class TranslatorMetrics {
  readonly registry = new Registry();
  private readonly jobs = new Counter({
    name: 'loom_translator_jobs_total',
    help: 'BullMQ jobs handled, by queue (yarn-submit, yarn-kill) and outcome (completed, failed).',
    labelNames: ['queue', 'outcome'],
    registers: [this.registry],
  });
  private readonly jobDuration = new Histogram({
    name: 'loom_translator_job_duration_seconds',
    help: 'Time from a job being picked up to its end, by queue.',
    labelNames: ['queue'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly reconciles = new Histogram({
    name: 'loom_translator_status_reconcile_duration_seconds',
    help: 'Status reconciles of one app (pods → YARN record), by result (changed, unchanged, failed).',
    labelNames: ['result'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: 'loom_translator_status_leader',
    help: '1 while this replica runs the status controller (holds the loom-translator Lease).',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'loom_translator_' });
  }

  job = (queue: string, outcome: 'completed' | 'failed', seconds?: number): void => {
    this.jobs.inc({ queue, outcome });
    if (seconds !== undefined) this.jobDuration.observe({ queue }, seconds);
  };

  reconcile = (result: 'changed' | 'unchanged' | 'failed', seconds: number): void => {
    this.reconciles.observe({ result }, seconds);
  };

  serve(port: number): Promise<Server> {
    return serveMetrics(this.registry, port);
  }
}
