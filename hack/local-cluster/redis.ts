import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

const HACK_DIR = join(import.meta.dirname, '..');

/** Path of redis-server, installing Debian's package first when it is missing (hack/ensure-redis.sh). */
export function ensureRedisServer(log: (line: string) => void): string {
  const found = spawnSync('bash', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (found && existsSync(found)) return found;
  log('redis-server is missing: installing it from Debian packages');
  const r = spawnSync('bash', [join(HACK_DIR, 'ensure-redis.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('could not install redis-server (hack/ensure-redis.sh failed)');
  const path = spawnSync('bash', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!path) throw new Error('redis-server still not found after installing it');
  return path;
}

/**
 * Arguments for a private Redis: loopback only, AOF on (BullMQ jobs survive a restart), no RDB snapshots, and
 * `noeviction`, which BullMQ requires (an evicted key corrupts a queue).
 */
export function redisArgs(port: number, dataDir: string): string[] {
  return [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--protected-mode',
    'yes',
    '--dir',
    dataDir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--daemonize',
    'no',
    '--logfile',
    '',
  ];
}

/** True when a Redis on `port` answers PING with PONG. */
export function redisPing(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let data = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.includes('\r\n')) done(data.startsWith('+PONG'));
    });
  });
}
