/**
 * The YARN REST submission bodies `loom submit` sends, built the way each framework's own client builds them: Spark's
 * `yarn.Client` (the ApplicationMaster command with `-Dspark.*` properties), Flink's YARN deployer (the entrypoint
 * with `-D` dynamic properties) and DistributedShell's client (`--num_containers`, `--shell_command`). The
 * translator's profiles read exactly these, so what `loom submit` asks for is what the gang reserves.
 */

/** What every submission carries. */
export interface CommonSubmitOptions {
  name?: string;
  queue: string;
  /** AM memory (MiB) and vcores. */
  amMemoryMiB: number;
  amVcores: number;
  priority?: number;
  maxAttempts?: number;
  tags?: string[];
  /** Local cluster simulation: run time (`30s`) and exit code. */
  duration?: string;
  exitCode?: number;
}

export interface SparkSubmitOptions extends CommonSubmitOptions {
  mainClass: string;
  jar: string;
  args: string[];
  executors: number;
  executorMemory: string;
  executorCores: number;
  /** Dynamic allocation: the gang needs the minimum, the rest may come later. */
  dynamicMin?: number;
  dynamicMax?: number;
}

export interface FlinkSubmitOptions extends CommonSubmitOptions {
  parallelism: number;
  slotsPerTaskManager: number;
  taskManagerMemory: string;
}

export interface ShellSubmitOptions extends CommonSubmitOptions {
  command: string;
  containers: number;
  containerMemoryMiB: number;
  containerVcores: number;
}

/** A `ApplicationSubmissionContext` as the RM's `POST /apps` takes it. */
export type SubmissionBody = Record<string, unknown> & { 'application-id': string };

/** Single-quotes a token for the AM's shell, so arguments with spaces reach the program whole. */
export function shellQuote(token: string): string {
  return /^[\w@%+=:,./-]+$/.test(token) ? token : `'${token.replace(/'/g, `'\\''`)}'`;
}

function common(id: string, type: string, defaultName: string, o: CommonSubmitOptions): SubmissionBody {
  const tags = [
    ...(o.tags ?? []),
    ...(o.duration ? [`sim.loom.dev/duration=${o.duration}`] : []),
    ...(o.exitCode !== undefined ? [`sim.loom.dev/exit-code=${o.exitCode}`] : []),
  ];
  return {
    'application-id': id,
    'application-name': o.name ?? defaultName,
    queue: o.queue,
    'application-type': type,
    ...(o.priority !== undefined ? { priority: o.priority } : {}),
    ...(o.maxAttempts !== undefined ? { 'max-app-attempts': o.maxAttempts } : {}),
    ...(tags.length ? { 'application-tags': { tag: tags } } : {}),
    resource: { memory: o.amMemoryMiB, vCores: o.amVcores },
  };
}

/** Spark in cluster mode: the driver runs in the AM container. */
export function sparkSubmission(id: string, o: SparkSubmitOptions): SubmissionBody {
  const props = [
    `-Dspark.executor.instances=${o.executors}`,
    `-Dspark.executor.memory=${o.executorMemory}`,
    `-Dspark.executor.cores=${o.executorCores}`,
    ...(o.dynamicMin !== undefined || o.dynamicMax !== undefined
      ? [
          '-Dspark.dynamicAllocation.enabled=true',
          ...(o.dynamicMin !== undefined ? [`-Dspark.dynamicAllocation.minExecutors=${o.dynamicMin}`] : []),
          ...(o.dynamicMax !== undefined ? [`-Dspark.dynamicAllocation.maxExecutors=${o.dynamicMax}`] : []),
        ]
      : []),
  ];
  const command = [
    '{{JAVA_HOME}}/bin/java',
    '-server',
    `-Xmx${Math.max(1, o.amMemoryMiB - 384)}m`,
    ...props,
    'org.apache.spark.deploy.yarn.ApplicationMaster',
    '--class',
    shellQuote(o.mainClass),
    '--jar',
    shellQuote(o.jar),
    ...o.args.flatMap((a) => ['--arg', shellQuote(a)]),
    '1><LOG_DIR>/stdout',
    '2><LOG_DIR>/stderr',
  ].join(' ');
  return {
    ...common(id, 'SPARK', o.mainClass.split('.').at(-1) ?? 'spark', o),
    'am-container-spec': { commands: { command } },
  };
}

/** Flink application mode: the JobManager runs in the AM container. */
export function flinkSubmission(id: string, o: FlinkSubmitOptions): SubmissionBody {
  const command = [
    '$JAVA_HOME/bin/java',
    `-Xmx${Math.max(1, o.amMemoryMiB - 256)}m`,
    'org.apache.flink.yarn.entrypoint.YarnApplicationClusterEntryPoint',
    `-D parallelism.default=${o.parallelism}`,
    `-D taskmanager.numberOfTaskSlots=${o.slotsPerTaskManager}`,
    `-D taskmanager.memory.process.size=${o.taskManagerMemory}`,
    '1> <LOG_DIR>/jobmanager.out',
    '2> <LOG_DIR>/jobmanager.err',
  ].join(' ');
  return {
    ...common(id, 'Apache Flink', 'flink-job', o),
    'am-container-spec': { commands: { command } },
  };
}

/** DistributedShell: N containers each running one shell command. */
export function shellSubmission(id: string, o: ShellSubmitOptions): SubmissionBody {
  const command = [
    '{{JAVA_HOME}}/bin/java',
    `-Xmx${Math.max(1, o.amMemoryMiB - 128)}m`,
    'org.apache.hadoop.yarn.applications.distributedshell.ApplicationMaster',
    `--container_memory ${o.containerMemoryMiB}`,
    `--container_vcores ${o.containerVcores}`,
    `--num_containers ${o.containers}`,
    `--shell_command ${shellQuote(o.command)}`,
    '1><LOG_DIR>/AppMaster.stdout',
    '2><LOG_DIR>/AppMaster.stderr',
  ].join(' ');
  return {
    ...common(id, 'YARN', 'DistributedShell', o),
    'am-container-spec': { commands: { command } },
  };
}
