import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Control-plane versions, read from hack/versions.env so the shell build and the runtime agree. */
export interface ControlPlaneVersions {
  kube: string;
  etcd: string;
  kwok: string;
}

const HACK_DIR = join(import.meta.dirname, '..');

export function readVersions(file = join(HACK_DIR, 'versions.env')): ControlPlaneVersions {
  const vars = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(\S+)$/.exec(line.trim());
    if (m?.[1] && m[2]) vars.set(m[1], m[2]);
  }
  const get = (k: string): string => {
    const v = vars.get(k);
    if (!v) throw new Error(`${file} does not set ${k}`);
    return v;
  };
  return { kube: get('KUBE_VERSION'), etcd: get('ETCD_VERSION'), kwok: get('KWOK_VERSION') };
}

/** Absolute paths of every control-plane binary. */
export interface BinaryPaths {
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubectl: string;
  kwok: string;
}

/** Cache root for built binaries: `$LOOM_CACHE`, else `~/.cache/loom`. Never inside the repository. */
export const cacheDir = (env = process.env): string => env.LOOM_CACHE ?? join(homedir(), '.cache', 'loom');

export function binaryPaths(versions = readVersions(), env = process.env): BinaryPaths {
  const bin = join(cacheDir(env), 'bin');
  const k8s = join(bin, `kubernetes-${versions.kube}`);
  return {
    etcd: join(bin, `etcd-${versions.etcd}`, 'etcd'),
    kubeApiserver: join(k8s, 'kube-apiserver'),
    kubeControllerManager: join(k8s, 'kube-controller-manager'),
    kubeScheduler: join(k8s, 'kube-scheduler'),
    kubectl: join(k8s, 'kubectl'),
    kwok: join(bin, `kwok-${versions.kwok}`, 'kwok'),
  };
}

/**
 * Returns the binary paths, building what is missing first with hack/build-control-plane.sh (its progress goes to
 * stderr; the first build takes about 8-9 minutes on 2 cores).
 */
export async function ensureBinaries(log: (line: string) => void): Promise<BinaryPaths> {
  const paths = binaryPaths();
  if (Object.values<string>({ ...paths }).every((p) => existsSync(p))) return paths;
  log('control-plane binaries are not built yet: building them from Go modules (one-time, ~9 minutes)');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [join(HACK_DIR, 'build-control-plane.sh')], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`build-control-plane.sh exited with ${code}`)),
    );
  });
  return paths;
}
