import { LOCAL_NODE_LABEL } from '../../api/names.ts';
import type { WebUiOptions } from '../../gateway/ui/web-ui.ts';
import { startGateway, type GatewayFixture } from './gateway/fixture.ts';
import { kube, startTestNodeAgent, startTestScheduler, startTestSimulatedAm, startTestTranslator } from './harness.ts';

/** The whole YARN path for a test file: gateway, translator, scheduler, node agent and (optionally) simulated AM. */
export interface YarnPipeline {
  gw: GatewayFixture;
  /** `http://127.0.0.1:<port>` of the gateway. */
  rmUrl: string;
  /** Stops everything and deletes the namespace. */
  close(): Promise<void>;
}

/**
 * Starts the pipeline as `loom up` runs it, against the test cluster: pods of YARN apps in `namespace`, the node
 * agent over the local nodes (simulated usage), the scheduler scoped to `namespace`.
 */
export async function startYarnPipeline(
  namespace: string,
  o: { simulatedAm?: boolean; ui?: WebUiOptions } = {},
): Promise<YarnPipeline> {
  const stops: (() => Promise<void>)[] = [];
  const gw = await startGateway(o.ui ? { ui: o.ui } : {});
  stops.push(() => gw.close());
  const address = gw.server.address();
  const rmUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const agent = await startTestNodeAgent(LOCAL_NODE_LABEL);
  stops.push(() => agent.close());
  const translator = await startTestTranslator(gw.prefix, namespace);
  stops.push(() => translator.close());
  const scheduler = await startTestScheduler(namespace, { defaultScheduler: false });
  stops.push(() => scheduler.close());
  if (o.simulatedAm ?? true) {
    const simAm = await startTestSimulatedAm(namespace);
    stops.push(() => simAm.close());
  }
  return {
    gw,
    rmUrl,
    close: async () => {
      for (const stop of stops.reverse()) await stop();
      await kube()
        .core.deleteNamespace({ name: namespace })
        .catch(() => undefined);
    },
  };
}
