import type { Command } from 'commander';
import { down } from '../../hack/local-cluster/cluster.ts';
import { resolveStateDir } from '../../hack/local-cluster/state.ts';
import { progress } from '../options.ts';
import { addClusterUpOptions, clusterUp, type ClusterUpFlags } from './cluster.ts';

/**
 * `loom up` / `loom down`: the local cluster plus every Loom component, in the background. Components join this
 * list as they are built (gateway, translator, scheduler, node-agent); today the cluster and Redis are all there is.
 */
export function registerUpDownCommands(program: Command): void {
  const stateDir = (): string => resolveStateDir(program.opts<{ stateDir?: string }>().stateDir);
  addClusterUpOptions(
    program.command('up').description('the local cluster plus every Loom component, in the background'),
  ).action(async (flags: ClusterUpFlags) => {
    await clusterUp(stateDir(), flags);
  });
  program
    .command('down')
    .description('stop every Loom component and the local cluster')
    .action(async () => {
      const had = await down(stateDir(), progress);
      progress(had ? 'everything stopped' : 'nothing was running');
    });
}
