import { SchedulerCache } from './core/cache.ts';
import { Dispatcher } from './dispatcher/dispatcher.ts';
import { Framework } from './framework/runtime.ts';
import {
  SchedulingPipeline,
  type BindSink,
  type PipelineObserver,
  type PipelineOptions,
  type UnitReporter,
} from './pipeline.ts';
import { DEFAULT_PROFILE, defaultRegistry } from './plugins/default-registry.ts';

/** What a scheduler is made of, for whoever drives it: the adapter, the tests, the benchmark. */
export interface AssembledScheduler {
  cache: SchedulerCache;
  dispatcher: Dispatcher;
  framework: Framework;
  pipeline: SchedulingPipeline;
}

/** The in-tree scheduler (default plugins and profile) around one cache, writing through `sink` and `reporter`. */
export function assembleScheduler(o: {
  sink: BindSink;
  reporter: UnitReporter;
  /** A reclaimed-capacity report older than this counts as zero (ms). */
  reclaimedStaleAfterMs: number;
  options?: Partial<PipelineOptions>;
  observer?: PipelineObserver;
}): AssembledScheduler {
  const now = o.options?.now ?? Date.now;
  const cache = new SchedulerCache();
  const dispatcher = new Dispatcher(cache);
  const framework = new Framework(defaultRegistry(), DEFAULT_PROFILE, {
    now,
    reclaimedStaleAfterMs: o.reclaimedStaleAfterMs,
  });
  const pipeline = new SchedulingPipeline(cache, dispatcher, framework, o.sink, o.reporter, o.options, o.observer);
  return { cache, dispatcher, framework, pipeline };
}
