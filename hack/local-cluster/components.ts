import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { isRunning, startDetached, stopProcess, waitFor, FatalWaitError } from './processes.ts';
import { writeState, type ClusterState } from './state.ts';

const LOOM_BIN = join(import.meta.dirname, '..', '..', 'bin', 'loom.mjs');

/** Options of the Loom components `loom up` runs beside the local cluster. */
export interface ComponentOptions {
  /** Gateway port; 0 picks a free one. @defaultValue 8088 (the RM's) */
  gatewayPort: number;
  log: (line: string) => void;
}

/**
 * Starts every Loom component that exists (today: the translator and the gateway) in the background against the local cluster, each
 * as `loom <component>` exactly as deploy/ runs it, recorded in the cluster state so `loom down` stops it.
 * Already-running components are left alone.
 */
export async function startComponents(state: ClusterState, o: ComponentOptions): Promise<ClusterState> {
  await startTranslator(state, o);
  const running = state.processes.find((p) => p.name === 'gateway');
  if (running && isRunning(running) && state.gatewayUrl) {
    o.log(`gateway already running at ${state.gatewayUrl}`);
    return state;
  }
  if (running) await stopProcess(running);
  state.processes = state.processes.filter((p) => p.name !== 'gateway');
  const port = o.gatewayPort === 0 ? await freePort() : o.gatewayPort;
  const url = `http://127.0.0.1:${port}`;
  o.log(`starting gateway on ${url}`);
  const env = { ...process.env, KUBECONFIG: state.kubeconfig, REDIS_URL: state.redisUrl };
  const gateway = startDetached(
    'gateway',
    process.execPath,
    [
      LOOM_BIN,
      'gateway',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--kubeconfig',
      state.kubeconfig,
      '--redis-url',
      state.redisUrl,
    ],
    join(state.stateDir, 'logs', 'gateway.log'),
    env,
  );
  state.processes.push(gateway);
  state.gatewayUrl = url;
  writeState(state);
  await waitFor(
    'the gateway to answer /ws/v1/cluster/info',
    async () => {
      if (!isRunning(gateway)) throw new FatalWaitError(`gateway exited; see ${gateway.log}`);
      const res = await fetch(`${url}/ws/v1/cluster/info`, { signal: AbortSignal.timeout(2_000) });
      return res.ok;
    },
    60_000,
  );
  return state;
}

/** The translator: no port, so it is ready once its log says its workers started. */
async function startTranslator(state: ClusterState, o: ComponentOptions): Promise<void> {
  const running = state.processes.find((p) => p.name === 'translator');
  if (running && isRunning(running)) {
    o.log('translator already running');
    return;
  }
  state.processes = state.processes.filter((p) => p.name !== 'translator');
  o.log('starting translator');
  const log = join(state.stateDir, 'logs', 'translator.log');
  const translator = startDetached(
    'translator',
    process.execPath,
    [LOOM_BIN, 'translator', '--kubeconfig', state.kubeconfig, '--redis-url', state.redisUrl],
    log,
    { ...process.env, KUBECONFIG: state.kubeconfig, REDIS_URL: state.redisUrl },
  );
  state.processes.push(translator);
  writeState(state);
  await waitFor(
    'the translator to start its workers',
    () => {
      if (!isRunning(translator)) throw new FatalWaitError(`translator exited; see ${translator.log}`);
      return existsSync(log) && readFileSync(log, 'utf8').includes('translator started');
    },
    60_000,
  );
}
