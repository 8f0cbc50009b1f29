import { Option, type Command } from 'commander';
import { GROUP } from '../../api/names.ts';
import type { Queue, QueueTier } from '../../api/queue.ts';

interface QueuesImportFlags {
  tier?: QueueTier;
  dryRun: boolean;
  output?: 'yaml' | 'json';
  kubeconfig?: string;
  forceConflicts: boolean;
}

/**
 * `loom queues import FILE`: a YARN capacity-scheduler.xml → Loom Queue objects (api/capacity-scheduler.ts, mapping
 * in docs/queues.md), server-side applied, or printed with --dry-run. Warnings go to stderr, objects to stdout. The
 * converter, the YAML printer and the Kubernetes client are imported only when the command runs.
 */
export function registerQueuesCommand(program: Command): void {
  const queues = program.command('queues').description('Loom Queue objects (YARN CapacityScheduler queues)');
  queues
    .command('import')
    .description('convert a YARN capacity-scheduler.xml into Queue objects and apply them (server-side apply)')
    .argument('<file>', 'capacity-scheduler.xml')
    .addOption(
      new Option('--tier <tier>', 'tier of queues without a loom.tier property (default: spot)').choices([
        'spot',
        'reserved',
      ]),
    )
    .option('--dry-run', 'print the Queue objects instead of applying them', false)
    .addOption(
      new Option('-o, --output <format>', 'print the objects in this format (with --dry-run: yaml unless set)').choices(
        ['yaml', 'json'],
      ),
    )
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG, ~/.kube/config, then in-cluster)')
    .option('--force-conflicts', 'take over Queue fields another field manager owns', false)
    .action(async (file: string, flags: QueuesImportFlags) => {
      const { readFile } = await import('node:fs/promises');
      const { convertCapacityScheduler, CapacitySchedulerError } = await import('../../api/capacity-scheduler.ts');
      let xml: string;
      try {
        xml = await readFile(file, 'utf8');
      } catch (err) {
        throw new Error(`queues import: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
      }
      let result: Awaited<ReturnType<typeof convertCapacityScheduler>>;
      try {
        result = await convertCapacityScheduler(xml, flags.tier ? { tier: flags.tier } : {});
      } catch (err) {
        if (err instanceof CapacitySchedulerError) {
          throw new Error(`queues import: ${file}: ${err.message}`, { cause: err });
        }
        throw err;
      }
      for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);

      if (flags.dryRun) {
        process.stdout.write(await render(result.queues, flags.output ?? 'yaml'));
        return;
      }
      const { applyQueues } = await import('../k8s/apply-queues.ts');
      // Without -o, one line per Queue as it is applied (kubectl's wording), so a failure shows what went through.
      const applied = await applyQueues(result.queues, {
        ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
        forceConflicts: flags.forceConflicts,
        ...(flags.output
          ? {}
          : {
              onApplied: (q: Queue) => process.stdout.write(`queue.${GROUP}/${q.metadata.name} serverside-applied\n`),
            }),
      });
      if (flags.output) process.stdout.write(await render(applied, flags.output));
    });
}

async function render(queues: readonly Queue[], format: 'yaml' | 'json'): Promise<string> {
  return (await import('../queue-documents.ts')).queueDocuments(queues, format);
}
