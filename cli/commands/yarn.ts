import { type Command, InvalidArgumentError } from 'commander';
import { FINAL_STATES, RmClient, RmError, resolveRmUrl, type RmApp } from '../rm-client.ts';
import { fail, intIn, progress } from '../options.ts';
import {
  flinkSubmission,
  shellSubmission,
  sparkSubmission,
  type CommonSubmitOptions,
  type SubmissionBody,
} from '../submission-builders.ts';

/** Flags every `loom submit` kind takes. */
interface CommonFlags {
  rmUrl?: string;
  user: string;
  queue: string;
  name?: string;
  amMemory: number;
  amVcores: number;
  priority?: number;
  maxAttempts?: number;
  tag: string[];
  duration?: string;
  exitCode?: number;
  follow: boolean;
  timeout: number;
}

const collect = (v: string, all: string[]): string[] => [...all, v];
const duration = (v: string): string => {
  if (!/^\d+(ms|s|m|h)$/.test(v)) throw new InvalidArgumentError('expected a duration such as 30s, 5m or 1h');
  return v;
};
const memory = (v: string): string => {
  if (!/^\d+[kmgt]?$/i.test(v)) throw new InvalidArgumentError('expected a JVM memory size such as 2g or 512m');
  return v;
};
const exitCode = (v: string): number => {
  if (!/^-?\d{1,3}$/.test(v)) throw new InvalidArgumentError('expected an exit code from -999 to 999');
  return Number(v);
};

/** `--rm-url` and `--user`, which every command over the RM REST API takes; `as` says what the user does. */
function rmFlags(c: Command, as: string): Command {
  return c
    .option('--rm-url <url>', 'ResourceManager REST address (env LOOM_RM_URL; default: the local cluster gateway)')
    .option('--user <user>', `user to ${as} as (user.name)`, process.env.USER ?? 'loom');
}

/** The RM client for a command's `--rm-url`/`--user` (the local cluster's gateway by default). */
const rmClient = (program: Command, f: { rmUrl?: string; user: string }): RmClient =>
  new RmClient(resolveRmUrl(f.rmUrl, program.opts<{ stateDir?: string }>().stateDir), f.user);

function commonFlags(c: Command, defaultQueue: string, amMemory: number): Command {
  return rmFlags(c, 'submit')
    .option('--queue <queue>', 'YARN queue', defaultQueue)
    .option('--name <name>', 'application name')
    .option('--am-memory <mib>', 'AM container memory, MiB', intIn(1, 1 << 30), amMemory)
    .option('--am-vcores <n>', 'AM container vcores', intIn(1, 1024), 1)
    .option('--priority <n>', 'application priority', intIn(0, 1_000_000))
    .option('--max-attempts <n>', 'max-app-attempts', intIn(1, 1000))
    .option('--tag <tag>', 'application tag (repeatable)', collect, [])
    .option('--duration <d>', 'local cluster: how long the simulated app runs (sim.loom.dev/duration)', duration)
    .option('--exit-code <n>', 'local cluster: the simulated AM exit code (sim.loom.dev/exit-code)', exitCode)
    .option('--no-follow', 'print the application id and return at once')
    .option('--timeout <seconds>', 'give up following after this long', intIn(1, 86_400), 600);
}

const common = (f: CommonFlags): CommonSubmitOptions => ({
  queue: f.queue,
  amMemoryMiB: f.amMemory,
  amVcores: f.amVcores,
  tags: f.tag,
  ...(f.name ? { name: f.name } : {}),
  ...(f.priority !== undefined ? { priority: f.priority } : {}),
  ...(f.maxAttempts !== undefined ? { maxAttempts: f.maxAttempts } : {}),
  ...(f.duration ? { duration: f.duration } : {}),
  ...(f.exitCode !== undefined ? { exitCode: f.exitCode } : {}),
});

/** Follows an app to a final state with a progress line per change; true when it FINISHED/SUCCEEDED. */
async function follow(rm: RmClient, id: string, timeoutS: number): Promise<boolean> {
  const deadline = Date.now() + timeoutS * 1000;
  let last = '';
  for (;;) {
    const a = await rm.app(id);
    const line = `${id} ${a.state}${a.state === 'RUNNING' ? ` ${Math.round(a.progress)}%` : ''}${a.diagnostics ? `: ${a.diagnostics.split('\n')[0]}` : ''}`;
    if (line !== last) progress(line);
    last = line;
    if (FINAL_STATES.has(a.state)) {
      progress(`${id} ${a.state}/${a.finalStatus} after ${(a.elapsedTime / 1000).toFixed(1)} s`);
      return a.state === 'FINISHED' && a.finalStatus === 'SUCCEEDED';
    }
    if (Date.now() > deadline) throw new RmError(0, `${id} still ${a.state} after ${timeoutS} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function submitWith(program: Command, f: CommonFlags, build: (id: string) => SubmissionBody): Promise<void> {
  const rm = rmClient(program, f);
  try {
    const id = await rm.newApplication();
    await rm.submit(build(id));
    // The id alone on stdout, so `id=$(loom submit ... --no-follow)` works.
    console.log(id);
    if (!f.follow) return;
    if (!(await follow(rm, id, f.timeout))) process.exitCode = 1;
  } catch (err) {
    fail(`loom submit: ${(err as Error).message}`);
  }
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** `yarn application -list`'s columns. */
export function appsTable(apps: readonly RmApp[]): string {
  const head = [
    'Application-Id',
    'Application-Name',
    'Application-Type',
    'User',
    'Queue',
    'State',
    'Final-State',
    'Progress',
    'Elapsed',
  ];
  const rows = apps.map((a) => [
    a.id,
    a.name,
    a.applicationType,
    a.user,
    a.queue,
    a.state,
    a.finalStatus,
    `${Math.round(a.progress)}%`,
    `${Math.round(a.elapsedTime / 1000)}s`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows]
    .map((r) =>
      r
        .map((c, i) => pad(c, widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * `loom submit spark|flink|shell`, `loom apps`, `loom kill`: the user's commands over the YARN RM REST API — the same
 * calls `yarn`/`spark-submit` make, so they work against Loom's gateway and a real RM alike.
 */
export function registerYarnCommands(program: Command): void {
  const submit = program
    .command('submit')
    .description('submit a Spark, Flink or DistributedShell app through the YARN REST API and follow it');

  commonFlags(submit.command('spark').description('Spark in cluster mode (the driver in the AM)'), 'spark', 1408)
    .option('--class <class>', 'main class', 'org.apache.spark.examples.SparkPi')
    .option('--jar <path>', 'application jar', 'local:///opt/spark/examples/jars/spark-examples.jar')
    .option('--arg <arg>', 'application argument (repeatable)', collect, [])
    .option('--executors <n>', 'spark.executor.instances', intIn(0, 100_000), 2)
    .option('--executor-memory <size>', 'spark.executor.memory', memory, '1g')
    .option('--executor-cores <n>', 'spark.executor.cores', intIn(1, 1024), 1)
    .option('--dynamic-min <n>', 'dynamic allocation: spark.dynamicAllocation.minExecutors', intIn(0, 100_000))
    .option('--dynamic-max <n>', 'dynamic allocation: spark.dynamicAllocation.maxExecutors', intIn(1, 100_000))
    .action(
      (
        f: CommonFlags & {
          class: string;
          jar: string;
          arg: string[];
          executors: number;
          executorMemory: string;
          executorCores: number;
          dynamicMin?: number;
          dynamicMax?: number;
        },
      ) =>
        submitWith(program, f, (id) =>
          sparkSubmission(id, {
            ...common(f),
            mainClass: f.class,
            jar: f.jar,
            args: f.arg,
            executors: f.executors,
            executorMemory: f.executorMemory,
            executorCores: f.executorCores,
            ...(f.dynamicMin !== undefined ? { dynamicMin: f.dynamicMin } : {}),
            ...(f.dynamicMax !== undefined ? { dynamicMax: f.dynamicMax } : {}),
          }),
        ),
    );

  commonFlags(submit.command('flink').description('Flink application mode (the JobManager in the AM)'), 'flink', 1600)
    .option('--parallelism <n>', 'parallelism.default', intIn(1, 100_000), 2)
    .option('--slots <n>', 'taskmanager.numberOfTaskSlots', intIn(1, 1024), 1)
    .option('--tm-memory <size>', 'taskmanager.memory.process.size', memory, '1728m')
    .action((f: CommonFlags & { parallelism: number; slots: number; tmMemory: string }) =>
      submitWith(program, f, (id) =>
        flinkSubmission(id, {
          ...common(f),
          parallelism: f.parallelism,
          slotsPerTaskManager: f.slots,
          taskManagerMemory: f.tmMemory,
        }),
      ),
    );

  commonFlags(submit.command('shell').description('DistributedShell: N containers running one command'), 'default', 512)
    .option('--command <cmd>', 'shell command each container runs', 'date')
    .option('--containers <n>', '--num_containers', intIn(1, 100_000), 1)
    .option('--container-memory <mib>', '--container_memory, MiB', intIn(1, 1 << 30), 512)
    .option('--container-vcores <n>', '--container_vcores', intIn(1, 1024), 1)
    .action(
      (f: CommonFlags & { command: string; containers: number; containerMemory: number; containerVcores: number }) =>
        submitWith(program, f, (id) =>
          shellSubmission(id, {
            ...common(f),
            command: f.command,
            containers: f.containers,
            containerMemoryMiB: f.containerMemory,
            containerVcores: f.containerVcores,
          }),
        ),
    );

  rmFlags(program.command('apps'), 'ask')
    .description('list applications, like `yarn application -list`')
    .option('--states <states>', 'comma-separated states', 'SUBMITTED,ACCEPTED,RUNNING')
    .option('--all', 'every state', false)
    .option('--queue <queue>', 'only this queue')
    .option('--json', 'the RM answer as JSON', false)
    .action(
      async (f: { rmUrl?: string; user: string; states: string; all: boolean; queue?: string; json: boolean }) => {
        const rm = rmClient(program, f);
        try {
          const apps = await rm.apps({
            ...(f.all ? {} : { states: f.states }),
            ...(f.queue ? { queue: f.queue } : {}),
          });
          if (f.json) console.log(JSON.stringify(apps, null, 2));
          else console.log(`Total number of applications: ${apps.length}\n${appsTable(apps)}`);
        } catch (err) {
          fail(`loom apps: ${(err as Error).message}`);
        }
      },
    );

  rmFlags(program.command('kill <application-id>'), 'kill')
    .description('kill an application, like `yarn application -kill`')
    .option('--timeout <seconds>', 'wait this long for KILLED', intIn(1, 3600), 60)
    .action(async (id: string, f: { rmUrl?: string; user: string; timeout: number }) => {
      const rm = rmClient(program, f);
      try {
        const before = await rm.app(id);
        if (FINAL_STATES.has(before.state)) {
          console.log(`Application ${id} has already finished (${before.state})`);
          return;
        }
        console.log(`Killing application ${id}`);
        await rm.kill(id);
        const deadline = Date.now() + f.timeout * 1000;
        while ((await rm.app(id)).state !== 'KILLED') {
          if (Date.now() > deadline) throw new RmError(0, `${id} not KILLED after ${f.timeout} s`);
          await new Promise((r) => setTimeout(r, 500));
        }
        console.log(`Killed application ${id}`);
      } catch (err) {
        fail(`loom kill: ${(err as Error).message}`);
      }
    });
}
