import type { Redis } from 'ioredis';
import {
  isFinalState,
  YARN_APPLICATION_STATES,
  type AppRecord,
  type ContainerRecord,
  type YarnApplicationState,
} from '../../api/yarn.ts';
import type { AdmissionLimits, AppFilter, AppStore, CreateResult } from './app-store.ts';

/**
 * Admission and create in one step. KEYS: app, submission, apps:all, rm:seq, the queue's and the queue-user's live
 * sets, then every index to add the id to. ARGV: record, submission, score, id, sequence to reserve ('' = none),
 * maxApplications and maxApplicationsPerUser ('' = no admission check). Returns {0, existing record} when the id
 * exists, {2, n} / {3, n} when the queue / the user already holds n unfinished apps, {1} when created.
 */
const CREATE_APP = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, redis.call('GET', KEYS[1])} end
if ARGV[5] ~= '' then
  local cur = tonumber(redis.call('GET', KEYS[4]) or '0')
  if cur < tonumber(ARGV[5]) then redis.call('SET', KEYS[4], ARGV[5]) end
end
if ARGV[6] ~= '' then
  local n = redis.call('SCARD', KEYS[5])
  if n >= tonumber(ARGV[6]) then return {2, n} end
  local u = redis.call('SCARD', KEYS[6])
  if u >= tonumber(ARGV[7]) then return {3, u} end
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
for i = 7, #KEYS do redis.call('SADD', KEYS[i], ARGV[4]) end
return {1}`;

/**
 * The newest ARGV[1] ids of the zset KEYS[1] that are in at least one set of every group. ARGV[2..]: the number of
 * keys in each group; KEYS[2..]: the groups' keys in order. Walks the zset newest first in chunks, so the cost
 * follows how far back the matches are, not how many apps match.
 */
const NEWEST_MATCHING = `
local limit = tonumber(ARGV[1])
local groups = {}
local k = 2
for g = 2, #ARGV do
  local n = tonumber(ARGV[g])
  local keys = {}
  for i = 1, n do keys[i] = KEYS[k]; k = k + 1 end
  groups[#groups + 1] = keys
end
local out = {}
local start = 0
local chunk = 512
while #out < limit do
  local ids = redis.call('ZREVRANGE', KEYS[1], start, start + chunk - 1)
  if #ids == 0 then break end
  for _, id in ipairs(ids) do
    local ok = true
    for _, keys in ipairs(groups) do
      local any = false
      for _, key in ipairs(keys) do
        if redis.call('SISMEMBER', key, id) == 1 then any = true; break end
      end
      if not any then ok = false; break end
    end
    if ok then
      out[#out + 1] = id
      if #out >= limit then break end
    end
  end
  start = start + chunk
end
return out`;

type ScriptRedis = Redis & {
  loomCreateApp(...args: (string | number)[]): Promise<[number, (string | number)?]>;
  loomNewestMatching(...args: (string | number)[]): Promise<string[]>;
};

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
  private readonly scripts: ScriptRedis;
  /**
   * The last parsed record per id with the JSON it came from: a list reuses the object (frozen, shared) while the
   * stored JSON is unchanged, so a 10,000-app `/apps` parses only what changed, and callers can cache what they
   * derive from a record by its identity (the JSON fragments of `/apps`).
   */
  private readonly parsed = new Map<string, { json: string; app: AppRecord }>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'loom:',
    private readonly maxCompletedApps = 1000,
  ) {
    // EVALSHA with a fallback to EVAL: the script text crosses the wire once per connection, not per call.
    if (!('loomCreateApp' in redis)) {
      redis.defineCommand('loomCreateApp', { lua: CREATE_APP });
      redis.defineCommand('loomNewestMatching', { lua: NEWEST_MATCHING });
    }
    this.scripts = redis as ScriptRedis;
  }

  private k = (...parts: string[]): string => this.prefix + parts.join(':');

  async clusterTimestamp(now: number): Promise<number> {
    await this.redis.set(this.k('rm', 'cluster-timestamp'), String(now), 'NX');
    return Number(await this.redis.get(this.k('rm', 'cluster-timestamp')));
  }

  async nextSequence(): Promise<number> {
    return this.redis.incr(this.k('rm', 'seq'));
  }

  /** Unfinished apps of a leaf queue, and of one user in it: what the CapacityScheduler's limits count. */
  private liveKeys(queue: string, user: string): [string, string] {
    return [this.k('apps', 'live', queue), this.k('apps', 'live-user', queue, user)];
  }

  private indexKeys(app: AppRecord): string[] {
    return [
      ...(isFinalState(app.state) ? [] : this.liveKeys(app.queue, app.user)),
      this.k('apps', 'state', app.state),
      this.k('apps', 'user', app.user),
      this.k('apps', 'queue', app.queue),
      this.k('apps', 'type', app.applicationType.toLowerCase()),
      ...app.tags.map((t) => this.k('apps', 'tag', t.toLowerCase())),
      ...(app.refused ? [this.k('apps', 'refused')] : []),
    ];
  }

  async create(
    app: AppRecord,
    submission: unknown,
    o: { admission?: AdmissionLimits; reserveSequence?: number } = {},
  ): Promise<CreateResult> {
    // One script: admission, the record, its submission and every index appear together or not at all.
    const index = this.indexKeys(app);
    const [code, value] = await this.scripts.loomCreateApp(
      6 + index.length,
      this.k('app', app.id),
      this.k('submission', app.id),
      this.k('apps', 'all'),
      this.k('rm', 'seq'),
      ...this.liveKeys(app.queue, app.user),
      ...index,
      JSON.stringify(app),
      JSON.stringify(submission),
      String(app.startedTime),
      app.id,
      o.reserveSequence === undefined ? '' : String(o.reserveSequence),
      o.admission ? String(o.admission.maxApplications) : '',
      o.admission ? String(o.admission.maxApplicationsPerUser) : '',
    );
    if (code === 1) return { created: true, app };
    if (code === 2 || code === 3)
      return { created: false, refused: { limit: code === 2 ? 'queue' : 'user', count: Number(value) } };
    if (typeof value !== 'string') throw new Error(`app ${app.id} vanished while being created`);
    return { created: false, app: JSON.parse(value) as AppRecord };
  }

  /** The record as stored: frozen, and the same object while it is unchanged (see `parsed`). */
  async get(id: string): Promise<AppRecord | undefined> {
    const json = await this.redis.get(this.k('app', id));
    return json ? this.parse(id, json) : undefined;
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
    const onlyIndexed =
      f.finalStatus === undefined &&
      f.name === undefined &&
      f.startedTimeBegin === undefined &&
      f.startedTimeEnd === undefined &&
      f.finishedTimeBegin === undefined &&
      f.finishedTimeEnd === undefined;
    let ids: string[];
    // `apps:all` is ordered by submit time, then id: ranges of it come out in the order `/apps` answers in.
    let ordered = false;
    if (onlyIndexed && f.limit !== undefined) {
      // Only indexed filters and a limit: the newest `limit` matches straight from the sorted index.
      if (f.limit <= 0) return [];
      ids =
        groups.length === 0
          ? await this.redis.zrange(this.k('apps', 'all'), -f.limit, -1)
          : (
              await this.scripts.loomNewestMatching(
                1 + groups.reduce((n, g) => n + g.length, 0),
                this.k('apps', 'all'),
                ...groups.flat(),
                String(f.limit),
                ...groups.map((g) => String(g.length)),
              )
            ).reverse();
      ordered = true;
    } else if (groups.length === 0) {
      ids = await this.redis.zrange(this.k('apps', 'all'), 0, -1);
      ordered = true;
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
    const records = await this.load(ids);
    const out = onlyIndexed
      ? records
      : records.filter(
          (a) =>
            (f.finalStatus === undefined || a.finalStatus === f.finalStatus) &&
            (f.name === undefined || a.name === f.name) &&
            (f.startedTimeBegin === undefined || a.startedTime >= f.startedTimeBegin) &&
            (f.startedTimeEnd === undefined || a.startedTime <= f.startedTimeEnd) &&
            (f.finishedTimeBegin === undefined || a.finishedTime >= f.finishedTimeBegin) &&
            (f.finishedTimeEnd === undefined || a.finishedTime <= f.finishedTimeEnd),
        );
    if (!ordered) out.sort((a, b) => a.startedTime - b.startedTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return f.limit !== undefined && out.length > f.limit ? out.slice(out.length - f.limit) : out;
  }

  /** The records of `ids` in that order (MGET in chunks), skipping any that vanished meanwhile. */
  private async load(ids: readonly string[]): Promise<AppRecord[]> {
    const records: AppRecord[] = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = await this.redis.mget(ids.slice(i, i + 1000).map((id) => this.k('app', id)));
      chunk.forEach((json, j) => {
        if (json) records.push(this.parse(ids[i + j]!, json));
      });
    }
    return records;
  }

  private parse(id: string, json: string): AppRecord {
    const known = this.parsed.get(id);
    if (known?.json === json) return known.app;
    const app = Object.freeze(JSON.parse(json) as AppRecord);
    // Bounded: forgetting everything at once costs one re-parse per app, once.
    if (this.parsed.size >= 100_000) this.parsed.clear();
    this.parsed.set(id, { json, app });
    return app;
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
