import { Redis } from 'ioredis';
import { readState, resolveStateDir } from './state.ts';

/**
 * Where the local cluster is, for tools outside the test suite (benchmarks, conformance): `KUBECONFIG` and
 * `REDIS_URL` from the environment, else the running local cluster's state (`loom cluster env`'s answer).
 */
export function localClusterEnv(env = process.env): { kubeconfig: string; redisUrl: string } {
  const state = env.KUBECONFIG && env.REDIS_URL ? undefined : readState(resolveStateDir(undefined, env));
  const kubeconfig = env.KUBECONFIG ?? state?.kubeconfig;
  const redisUrl = env.REDIS_URL ?? state?.redisUrl;
  if (!kubeconfig || !redisUrl) {
    throw new Error(
      'KUBECONFIG and REDIS_URL are needed: start a cluster (loom cluster up) or eval "$(loom cluster env)"',
    );
  }
  return { kubeconfig, redisUrl };
}

/** Deletes every Redis key under `prefix` (a tool's private namespace); returns how many went. */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  try {
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    await redis.quit().catch(() => undefined);
  }
}
