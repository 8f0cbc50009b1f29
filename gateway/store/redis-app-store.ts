import type { Redis } from 'ioredis';
import {
  isFinalState,
  YARN_APPLICATION_STATES,
  type AppRecord,
  type ContainerRecord,
  type YarnApplicationState,
} from '../../api/yarn.ts';
import type { AppFilter, AppStore, CreateResult } from './app-store.ts';

/**
 * AppStore on Redis. Layout (prefix `loom:` by default):
 * - `rm:cluster-timestamp`, `rm:seq`: id parts (SET NX / INCR, so they survive restarts and are shared);
 * - `app:<id>`: the record (JSON); `submission:<id>`: the submission context the translator reads;
 * - `apps:all` (zset by submit time) and sets per state, user, queue, type and tag, so `/apps` filters
 *   intersect indexes instead of scanning every record;
 * - `containers:<id>:<attempt>`: hash containerId → JSON ContainerRecord, written by the translator;
 * - `apps:completed` (zset by finish time): apps beyond `maxCompletedApps` are forgotten, oldest first, as the RM's
 *   `yarn.resourcemanager.max-completed-applications` does.
 */
export class RedisAppStore implements AppStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'loom:',
    private readonly maxCompletedApps = 1000,
  ) {}

  private k = (...parts: string[]): string => this.prefix + parts.join(':');

  async clusterTimestamp(now: number): Promise<number> {
    await this.redis.set(this.k('rm', 'cluster-timestamp'), String(now), 'NX');
    return Number(await this.redis.get(this.k('rm', 'cluster-timestamp')));
  }

  async nextSequence(): Promise<number> {
    return this.redis.incr(this.k('rm', 'seq'));
  }

  async reserveSequence(seq: number): Promise<void> {
    await this.redis.eval(
      `local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
       if cur < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
       return 1`,
      1,
      this.k('rm', 'seq'),
      String(seq),
    );
  }

  private indexKeys(app: AppRecord): string[] {
    return [
      this.k('apps', 'state', app.state),
      this.k('apps', 'user', app.user),
      this.k('apps', 'queue', app.queue),
      this.k('apps', 'type', app.applicationType.toLowerCase()),
      ...app.tags.map((t) => this.k('apps', 'tag', t.toLowerCase())),
      ...(app.refused ? [this.k('apps', 'refused')] : []),
    ];
  }

  async create(app: AppRecord, submission: unknown): Promise<CreateResult> {
    // One script: the record, its submission and every index appear together or not at all.
    const created = (await this.redis.eval(
      `if redis.call('SET', KEYS[1], ARGV[1], 'NX') == false then return 0 end
       redis.call('SET', KEYS[2], ARGV[2])
       redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
       for i = 4, #KEYS do redis.call('SADD', KEYS[i], ARGV[4]) end
       return 1`,
      3 + this.indexKeys(app).length,
      this.k('app', app.id),
      this.k('submission', app.id),
      this.k('apps', 'all'),
      ...this.indexKeys(app),
      JSON.stringify(app),
      JSON.stringify(submission),
      String(app.startedTime),
      app.id,
    )) as number;
    if (created === 1) return { created: true, app };
    const existing = await this.get(app.id);
    if (!existing) throw new Error(`app ${app.id} vanished while being created`);
    return { created: false, app: existing };
  }

  async get(id: string): Promise<AppRecord | undefined> {
    const json = await this.redis.get(this.k('app', id));
    return json ? (JSON.parse(json) as AppRecord) : undefined;
  }

  async submission(id: string): Promise<unknown> {
    const json = await this.redis.get(this.k('submission', id));
    return json ? (JSON.parse(json) as unknown) : undefined;
  }

  async update(id: string, change: (app: AppRecord) => AppRecord): Promise<AppRecord | undefined> {
    const key = this.k('app', id);
    // Compare-and-set in one script (WATCH is unsafe on a connection shared by concurrent requests).
    for (let attempt = 0; attempt < 50; attempt++) {
      const json = await this.redis.get(key);
      if (!json) return undefined;
      const before = JSON.parse(json) as AppRecord;
      const after = change(structuredClone(before));
      const oldIdx = new Set(this.indexKeys(before));
      const newIdx = new Set(this.indexKeys(after));
      const remove = [...oldIdx].filter((k) => !newIdx.has(k));
      const add = [...newIdx].filter((k) => !oldIdx.has(k));
      const finishing = isFinalState(after.state) && !isFinalState(before.state);
      const ok = (await this.redis.eval(
        `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
         redis.call('SET', KEYS[1], ARGV[2])
         local nrem = tonumber(ARGV[4])
         for i = 3, 2 + nrem do redis.call('SREM', KEYS[i], ARGV[3]) end
         for i = 3 + nrem, #KEYS do redis.call('SADD', KEYS[i], ARGV[3]) end
         if ARGV[5] == '1' then redis.call('ZADD', KEYS[2], ARGV[6], ARGV[3]) end
         return 1`,
        2 + remove.length + add.length,
        key,
        this.k('apps', 'completed'),
        ...remove,
        ...add,
        json,
        JSON.stringify(after),
        id,
        String(remove.length),
        finishing ? '1' : '0',
        String(after.finishedTime),
      )) as number;
      if (ok === 1) {
        if (finishing) await this.trimCompleted();
        return after;
      }
    }
    throw new Error(`too much contention updating ${id}`);
  }

  /** Forgets the oldest completed apps beyond the retention limit. */
  private async trimCompleted(): Promise<void> {
    const excess = (await this.redis.zcard(this.k('apps', 'completed'))) - this.maxCompletedApps;
    if (excess <= 0) return;
    const victims = await this.redis.zrange(this.k('apps', 'completed'), 0, excess - 1);
    const records = victims.length ? await this.redis.mget(victims.map((id) => this.k('app', id))) : [];
    const tx = this.redis.multi();
    victims.forEach((id, i) => {
      const json = records[i];
      if (json) for (const k of this.indexKeys(JSON.parse(json) as AppRecord)) tx.srem(k, id);
      const attempts = json
        ? (JSON.parse(json) as AppRecord).attempts.map((a) => this.k('containers', id, String(a.id)))
        : [];
      tx.del(this.k('app', id), this.k('submission', id), ...attempts)
        .zrem(this.k('apps', 'all'), id)
        .zrem(this.k('apps', 'completed'), id);
    });
    await tx.exec();
  }

  async list(f: AppFilter): Promise<AppRecord[]> {
    // Narrow by the indexed filters first (union within a filter, intersection across filters).
    const groups: string[][] = [];
    if (f.states) groups.push([...f.states].map((s) => this.k('apps', 'state', s)));
    if (f.user !== undefined) groups.push([this.k('apps', 'user', f.user)]);
    if (f.queue !== undefined) groups.push([this.k('apps', 'queue', f.queue)]);
    if (f.types) groups.push([...f.types].map((t) => this.k('apps', 'type', t.toLowerCase())));
    if (f.tags) groups.push([...f.tags].map((t) => this.k('apps', 'tag', t.toLowerCase())));
    let ids: string[];
    if (groups.length === 0) {
      ids = await this.redis.zrange(this.k('apps', 'all'), 0, -1);
    } else {
      let acc: Set<string> | undefined;
      for (const keys of groups) {
        const members = new Set(
          keys.length === 1 ? await this.redis.smembers(keys[0]!) : await this.redis.sunion(...keys),
        );
        acc = acc ? new Set([...acc].filter((id) => members.has(id))) : members;
        if (acc.size === 0) return [];
      }
      ids = [...(acc ?? [])];
    }
    if (ids.length === 0) return [];
    // Only indexed filters and a limit: rank the ids by submit time (their scores in `apps:all`) and load just the
    // records returned, instead of every match.
    const onlyIndexed =
      f.finalStatus === undefined &&
      f.name === undefined &&
      f.startedTimeBegin === undefined &&
      f.startedTimeEnd === undefined &&
      f.finishedTimeBegin === undefined &&
      f.finishedTimeEnd === undefined;
    if (onlyIndexed && f.limit !== undefined && ids.length > f.limit) {
      const scores: (string | null)[] = [];
      for (let i = 0; i < ids.length; i += 5000) {
        scores.push(
          ...((await this.redis.call('ZMSCORE', this.k('apps', 'all'), ...ids.slice(i, i + 5000))) as (
            string | null
          )[]),
        );
      }
      ids = ids
        .map((id, i) => ({ id, t: Number(scores[i] ?? 0) }))
        .sort((a, b) => a.t - b.t || a.id.localeCompare(b.id))
        .slice(-f.limit)
        .map((x) => x.id);
    }
    const records: AppRecord[] = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = await this.redis.mget(ids.slice(i, i + 1000).map((id) => this.k('app', id)));
      for (const json of chunk) if (json) records.push(JSON.parse(json) as AppRecord);
    }
    const out = records
      .filter(
        (a) =>
          (f.finalStatus === undefined || a.finalStatus === f.finalStatus) &&
          (f.name === undefined || a.name === f.name) &&
          (f.startedTimeBegin === undefined || a.startedTime >= f.startedTimeBegin) &&
          (f.startedTimeEnd === undefined || a.startedTime <= f.startedTimeEnd) &&
          (f.finishedTimeBegin === undefined || a.finishedTime >= f.finishedTimeBegin) &&
          (f.finishedTimeEnd === undefined || a.finishedTime <= f.finishedTimeEnd),
      )
      .sort((a, b) => a.startedTime - b.startedTime || a.id.localeCompare(b.id));
    return f.limit !== undefined && out.length > f.limit ? out.slice(out.length - f.limit) : out;
  }

  async containers(appId: string, attempt: number): Promise<ContainerRecord[]> {
    const all = await this.redis.hvals(this.k('containers', appId, String(attempt)));
    return all.map((j) => JSON.parse(j) as ContainerRecord).sort((a, b) => a.containerId.localeCompare(b.containerId));
  }

  async writeContainers(appId: string, attempt: number, containers: readonly ContainerRecord[]): Promise<void> {
    const key = this.k('containers', appId, String(attempt));
    const tx = this.redis.multi().del(key);
    if (containers.length) tx.hset(key, Object.fromEntries(containers.map((c) => [c.containerId, JSON.stringify(c)])));
    await tx.exec();
  }

  async countByState(): Promise<Map<YarnApplicationState | 'REFUSED', number>> {
    const tx = this.redis.multi();
    for (const s of YARN_APPLICATION_STATES) tx.scard(this.k('apps', 'state', s));
    tx.scard(this.k('apps', 'refused'));
    const res = (await tx.exec()) ?? [];
    const counts = new Map<YarnApplicationState | 'REFUSED', number>(
      YARN_APPLICATION_STATES.map((s, i) => [s, Number(res[i]?.[1] ?? 0)]),
    );
    counts.set('REFUSED', Number(res[YARN_APPLICATION_STATES.length]?.[1] ?? 0));
    return counts;
  }
}
