import { amRole, type Profile } from './profile.ts';
import { flinkSizeMiB, systemProperties, tokenize } from './command.ts';

/** Flink's defaults where a submission does not say (Flink 1.x/2.x). */
export const FLINK_DEFAULTS = { parallelism: 1, slots: 1, taskManagerProcessMiB: 1728 };

/**
 * Apache Flink: the JobManager (the AM: YarnApplicationClusterEntryPoint / YarnJobClusterEntrypoint) plus
 * ceil(parallelism / slots) TaskManagers, sized from `-D` dynamic properties and `flink.*`-free keys in tags
 * (`parallelism.default=8`). A streaming job needs every slot at once, so the gang is all of them; TaskManagers are
 * placeholders until the JobManager asks for them.
 */
export const flinkProfile: Profile = (input) => {
  const command = input.submission['am-container-spec'].commands.join(' ');
  let tokens: string[];
  try {
    tokens = tokenize(command);
  } catch (err) {
    return { ok: false, diagnostics: `Cannot read the Flink AM command: ${(err as Error).message}` };
  }
  if (tokens.length === 0) return { ok: false, diagnostics: 'The Flink submission has no AM command.' };
  const props = systemProperties(tokens);
  for (const tag of input.app.tags) {
    const m = /^((?:parallelism|taskmanager|yarn\.containers)\.[a-z0-9.-]+)=(.+)$/.exec(tag);
    if (m?.[1] && !props.has(m[1])) props.set(m[1], m[2] ?? '');
  }
  const whole = (key: string, fallback: number): number | string => {
    const v = props.get(key);
    if (v === undefined) return fallback;
    return /^\d+$/.test(v.trim()) && Number(v) >= 1 ? Number(v) : `${key}=${v} is not a positive whole number`;
  };
  const parallelism = whole('parallelism.default', FLINK_DEFAULTS.parallelism);
  const slots = whole('taskmanager.numberOfTaskSlots', FLINK_DEFAULTS.slots);
  const vcores = whole('yarn.containers.vcores', typeof slots === 'number' ? slots : 1);
  const sizeText = props.get('taskmanager.memory.process.size');
  const memory =
    sizeText === undefined
      ? FLINK_DEFAULTS.taskManagerProcessMiB
      : (flinkSizeMiB(sizeText) ?? `taskmanager.memory.process.size=${sizeText} is not a memory size`);
  const problems = [parallelism, slots, vcores, memory].filter((v): v is string => typeof v === 'string');
  if (problems.length) return { ok: false, diagnostics: `Invalid Flink configuration: ${problems.join('; ')}` };
  const taskManagers = Math.ceil((parallelism as number) / (slots as number));
  return {
    ok: true,
    plan: {
      profile: 'flink',
      roles: [
        amRole(input, 'jobmanager', 'am'),
        {
          name: 'taskmanager',
          yarnRole: 'taskmanager',
          count: taskManagers,
          cpuMilli: (vcores as number) * 1000,
          memoryMiB: memory as number,
          placeholders: true,
        },
      ],
      minMember: 1 + taskManagers,
      notes: {
        parallelism: parallelism,
        slotsPerTaskManager: slots,
        taskManagers,
        taskManagerMemoryMiB: memory,
      },
    },
  };
};
