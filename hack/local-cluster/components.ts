import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_NODE_LABEL } from '../../api/names.ts';
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
 * Starts every Loom component that exists (the translator, the scheduler, the node agent in fleet mode, the simulated AM and
 * the gateway)
 * in the background against the local cluster, each
 * as `loom <component>` exactly as deploy/ runs it, recorded in the cluster state so `loom down` stops it.
 * Already-running components are left alone.
 */
export async function startComponents(state: ClusterState, o: ComponentOptions): Promise<ClusterState> {
  await startBackground(
    state,
    o,
    'translator',
    ['--kubeconfig', state.kubeconfig, '--redis-url', state.redisUrl],
    'translator started',
  );
  // Without the upstream kube-scheduler, Loom's places every pod, plain `kubectl create` ones included; with it
  // (`--with-kube-scheduler`, the benchmark baseline), each takes only the pods that name it.
  const upstream = state.processes.some((p) => p.name === 'kube-scheduler' && isRunning(p));
  await startBackground(
    state,
    o,
    'scheduler',
    ['--kubeconfig', state.kubeconfig, ...(upstream ? [] : ['--default-scheduler']), '--metrics-port', '0'],
    'loom scheduler running',
  );
  // kwok pods run nothing: this plays the AMs that would ask for their executors.
  await startBackground(state, o, 'sim-am', ['--kubeconfig', state.kubeconfig], 'loom sim-am running');
  // One process plays the node agent of every kwok node, from each online pod's simulated load.
  await startBackground(
    state,
    o,
    'node-agent',
    ['--kubeconfig', state.kubeconfig, '--fleet', LOCAL_NODE_LABEL, '--source', 'simulated', '--metrics-port', '0'],
    'loom node-agent running',
  );
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

/**
 * A component without a port (translator, scheduler, node agent, simulated AM): started detached, ready once its log shows `readyLine`.
 */
async function startBackground(
  state: ClusterState,
  o: ComponentOptions,
  name: string,
  args: string[],
  readyLine: string,
): Promise<void> {
  const running = state.processes.find((p) => p.name === name);
  if (running && isRunning(running)) {
    o.log(`${name} already running`);
    return;
  }
  state.processes = state.processes.filter((p) => p.name !== name);
  o.log(`starting ${name}`);
  const log = join(state.stateDir, 'logs', `${name}.log`);
  const proc = startDetached(name, process.execPath, [LOOM_BIN, name, ...args], log, {
    ...process.env,
    KUBECONFIG: state.kubeconfig,
    REDIS_URL: state.redisUrl,
  });
  state.processes.push(proc);
  writeState(state);
  await waitFor(
    `the ${name} to start`,
    () => {
      if (!isRunning(proc)) throw new FatalWaitError(`${name} exited; see ${proc.log}`);
      return existsSync(log) && readFileSync(log, 'utf8').includes(readyLine);
    },
    60_000,
  );
}
