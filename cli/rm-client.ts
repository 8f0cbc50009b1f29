import { readState, resolveStateDir } from '../hack/local-cluster/state.ts';

/**
 * The RM REST calls of `loom submit|apps|kill`, over fetch: whatever speaks the YARN RM API answers them — Loom's
 * gateway or a real ResourceManager. Errors carry the RM's own `RemoteException` message.
 */

/** An RM answer that was not 2xx, with the RemoteException's message when there is one. */
export class RmError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RmError';
  }
}

/** The RM address: `--rm-url`, else `LOOM_RM_URL`, else the local cluster's gateway, else the RM's own default. */
export function resolveRmUrl(flag: string | undefined, stateDir?: string): string {
  if (flag) return flag.replace(/\/$/, '');
  if (process.env.LOOM_RM_URL) return process.env.LOOM_RM_URL.replace(/\/$/, '');
  const state = readState(resolveStateDir(stateDir));
  return state?.gatewayUrl ?? 'http://127.0.0.1:8088';
}

/** A YARN application as `GET /apps` returns it (the fields the CLI shows). */
export interface RmApp {
  id: string;
  user: string;
  name: string;
  queue: string;
  state: string;
  finalStatus: string;
  progress: number;
  applicationType: string;
  startedTime: number;
  finishedTime: number;
  elapsedTime: number;
  diagnostics?: string;
  trackingUrl?: string;
  allocatedMB?: number;
  allocatedVCores?: number;
  runningContainers?: number;
}

export class RmClient {
  constructor(
    readonly base: string,
    private readonly user: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.base}/ws/v1/cluster${path}${path.includes('?') ? '&' : '?'}user.name=${encodeURIComponent(this.user)}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      throw new RmError(0, `cannot reach the ResourceManager at ${this.base}: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text.trim() || res.statusText;
      try {
        const e = JSON.parse(text) as { RemoteException?: { message?: string } };
        message = e.RemoteException?.message ?? message;
      } catch {
        // plain-text answers (403 of an ACL) are the message themselves
      }
      throw new RmError(res.status, `${method} ${path}: ${res.status} ${message}`);
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  async newApplication(): Promise<string> {
    return (await this.call<{ 'application-id': string }>('POST', '/apps/new-application'))['application-id'];
  }

  async submit(body: Record<string, unknown>): Promise<void> {
    await this.call('POST', '/apps', body);
  }

  async app(id: string): Promise<RmApp> {
    return (await this.call<{ app: RmApp }>('GET', `/apps/${encodeURIComponent(id)}`)).app;
  }

  async apps(query: Record<string, string>): Promise<RmApp[]> {
    const q = new URLSearchParams(query).toString();
    const res = await this.call<{ apps: { app?: RmApp[] } }>('GET', `/apps${q ? `?${q}` : ''}`);
    return res.apps.app ?? [];
  }

  async kill(id: string): Promise<string> {
    return (await this.call<{ state: string }>('PUT', `/apps/${encodeURIComponent(id)}/state`, { state: 'KILLED' }))
      .state;
  }
}

/** YARN's final application states. */
export const FINAL_STATES = new Set(['FINISHED', 'FAILED', 'KILLED']);
