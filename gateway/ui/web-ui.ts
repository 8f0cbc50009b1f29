import { UtilizationSampler } from './sampler.ts';
import { sumUtilization } from '../../api/utilization.ts';
import type { UiClusterSource } from './source.ts';

/** What the UI router needs: the cluster source, the utilization series, a clock. */
export interface UiDeps {
  source: UiClusterSource;
  sampler: UtilizationSampler;
  now: () => number;
}

/** A started UI backend: its caches are filled and the sampler runs until `close`. */
export interface WebUi extends UiDeps {
  close(): Promise<void>;
}

/** Options of the UI backend. */
export interface WebUiOptions {
  now?: () => number;
  /** @defaultValue 5000 */
  sampleIntervalMs?: number;
  /** @defaultValue 720 (one hour at 5 s) */
  samplePoints?: number;
}

/**
 * Starts the UI's informers and its sampler. Only called when the UI is enabled, so a gateway run with `--no-ui`
 * watches no more than the YARN API needs.
 */
export async function startWebUi(source: UiClusterSource, o: WebUiOptions = {}): Promise<WebUi> {
  const now = o.now ?? Date.now;
  await source.start();
  const sampler = new UtilizationSampler({
    read: (t) => sumUtilization(source.nodes(t)),
    now,
    ...(o.sampleIntervalMs !== undefined ? { intervalMs: o.sampleIntervalMs } : {}),
    ...(o.samplePoints !== undefined ? { capacity: o.samplePoints } : {}),
  });
  sampler.start();
  return {
    source,
    sampler,
    now,
    close: async () => {
      sampler.stop();
      await source.stop();
    },
  };
}
