import { amRole, type Profile, type RolePlan } from './profile.ts';
import { sizeMiB, systemProperties, tokenize } from './command.ts';

/**
 * MAPREDUCE: the MRAppMaster plus map and reduce members when the job's properties are visible (`-Dmapreduce.*` on
 * the AM command or `mapreduce.*=` tags; job.xml itself lives in HDFS, out of reach), the AM alone otherwise.
 * MapReduce makes progress with any number of tasks, so only the AM is gang-placed (minMember 1); the tasks are
 * placeholders the scheduler fills as capacity allows.
 */
export const mapreduceProfile: Profile = (input) => {
  const command = input.submission['am-container-spec'].commands.join(' ');
  let tokens: string[];
  try {
    tokens = tokenize(command);
  } catch (err) {
    return { ok: false, diagnostics: `Cannot read the MapReduce AM command: ${(err as Error).message}` };
  }
  if (tokens.length === 0) return { ok: false, diagnostics: 'The MapReduce submission has no AM command.' };
  const props = systemProperties(tokens);
  for (const tag of input.app.tags) {
    const m = /^(mapreduce\.[a-z0-9.-]+)=(.+)$/.exec(tag);
    if (m?.[1] && !props.has(m[1])) props.set(m[1], m[2] ?? '');
  }
  const count = (key: string): number | string | undefined => {
    const v = props.get(key);
    if (v === undefined) return undefined;
    return /^\d+$/.test(v.trim()) ? Number(v) : `${key}=${v} is not a whole number`;
  };
  const size = (key: string, fallback: number): number | string => {
    const v = props.get(key);
    if (v === undefined) return fallback;
    return sizeMiB(v) ?? `${key}=${v} is not a memory size`;
  };
  const maps = count('mapreduce.job.maps');
  const reduces = count('mapreduce.job.reduces');
  const mapMem = size('mapreduce.map.memory.mb', 1024);
  const reduceMem = size('mapreduce.reduce.memory.mb', 1024);
  const mapCores = count('mapreduce.map.cpu.vcores') ?? 1;
  const reduceCores = count('mapreduce.reduce.cpu.vcores') ?? 1;
  const problems = [maps, reduces, mapMem, reduceMem, mapCores, reduceCores].filter(
    (v): v is string => typeof v === 'string',
  );
  if (problems.length) return { ok: false, diagnostics: `Invalid MapReduce configuration: ${problems.join('; ')}` };
  const roles: RolePlan[] = [amRole(input, 'am', 'am')];
  if (typeof maps === 'number' && maps > 0) {
    roles.push({
      name: 'map',
      yarnRole: 'map',
      count: maps,
      cpuMilli: Math.max(1, mapCores as number) * 1000,
      memoryMiB: mapMem as number,
      placeholders: true,
    });
  }
  if (typeof reduces === 'number' && reduces > 0) {
    roles.push({
      name: 'reduce',
      yarnRole: 'reduce',
      count: reduces,
      cpuMilli: Math.max(1, reduceCores as number) * 1000,
      memoryMiB: reduceMem as number,
      placeholders: true,
    });
  }
  return {
    ok: true,
    plan: {
      profile: 'mapreduce',
      roles,
      minMember: 1,
      notes: { maps: maps ?? 'unknown', reduces: reduces ?? 'unknown' },
    },
  };
};
