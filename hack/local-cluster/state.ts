import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ManagedProcess } from './processes.ts';
import type { NodeShape } from './nodes.ts';

/** What `loom cluster up` started and where: the single record `status`, `env` and `down` read. */
export interface ClusterState {
  version: 1;
  stateDir: string;
  kubeconfig: string;
  server: string;
  redisUrl: string;
  ports: { etcd: number; etcdPeer: number; apiserver: number; redis: number };
  processes: ManagedProcess[];
  nodes: { count: number; shape: NodeShape };
  /** URL of the gateway once `loom up` started it. */
  gatewayUrl?: string;
  startedAt: string;
}

/** State folder: `--state-dir`, else `$LOOM_STATE_DIR`, else `~/.local/state/loom`. */
export function resolveStateDir(flag?: string, env = process.env): string {
  return flag ?? env.LOOM_STATE_DIR ?? join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'loom');
}

export const stateFile = (stateDir: string): string => join(stateDir, 'cluster.json');

export function readState(stateDir: string): ClusterState | undefined {
  const file = stateFile(stateDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
}

/** Written atomically after every process start, so `down` can clean up after an `up` that failed halfway. */
export function writeState(state: ClusterState): void {
  mkdirSync(state.stateDir, { recursive: true });
  const file = stateFile(state.stateDir);
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file);
}
