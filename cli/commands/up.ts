import type { Command } from 'commander';
import { startComponents } from '../../hack/local-cluster/components.ts';
import { down } from '../../hack/local-cluster/cluster.ts';
import { readState, resolveStateDir } from '../../hack/local-cluster/state.ts';
import { intIn, progress } from '../options.ts';
import { addClusterUpOptions, clusterUp, type ClusterUpFlags } from './cluster.ts';

/**
 * `loom up` / `loom down`: the local cluster plus every Loom component, in the background. Components join as they
 * are built (gateway, translator and scheduler today; the node agent with its issue).
 */
export function registerUpDownCommands(program: Command): void {
  const stateDir = (): string => resolveStateDir(program.opts<{ stateDir?: string }>().stateDir);
  addClusterUpOptions(
    program.command('up').description('the local cluster plus every Loom component, in the background'),
  )
    .option('--gateway-port <port>', 'port of the YARN REST gateway (0 = any free port)', intIn(0, 65535), 8088)
    .action(async (flags: ClusterUpFlags & { gatewayPort: number }) => {
      await clusterUp(stateDir(), flags);
      const state = readState(stateDir());
      if (!state) throw new Error('the cluster state vanished');
      const withComponents = await startComponents(state, { gatewayPort: flags.gatewayPort, log: progress });
      progress(`YARN ResourceManager REST API: ${withComponents.gatewayUrl}/ws/v1/cluster`);
    });
  program
    .command('down')
    .description('stop every Loom component and the local cluster')
    .action(async () => {
      const had = await down(stateDir(), progress);
      progress(had ? 'everything stopped' : 'nothing was running');
    });
}
