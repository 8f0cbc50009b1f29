import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerClusterCommands } from './commands/cluster.ts';
import { registerGatewayCommand } from './commands/gateway.ts';
import { registerNodeAgentCommand } from './commands/node-agent.ts';
import { registerQueuesCommand } from './commands/queues.ts';
import { registerSchedulerCommand } from './commands/scheduler.ts';
import { registerSimulatedAmCommand } from './commands/sim-am.ts';
import { registerTopCommand } from './commands/top.ts';
import { registerTranslatorCommand } from './commands/translator.ts';
import { registerUpDownCommands } from './commands/up.ts';
import { registerYarnCommands } from './commands/yarn.ts';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;
const program = new Command()
  .name('loom')
  .description('Loom: YARN batch work and online services on one Kubernetes cluster')
  .version(
    (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version,
  )
  .showHelpAfterError()
  .option('--state-dir <dir>', 'local cluster state folder (env LOOM_STATE_DIR; default ~/.local/state/loom)');

registerClusterCommands(program);
registerUpDownCommands(program);
registerGatewayCommand(program, version);
registerTranslatorCommand(program);
registerSchedulerCommand(program);
registerNodeAgentCommand(program);
registerSimulatedAmCommand(program);
registerYarnCommands(program);
registerTopCommand(program);
registerQueuesCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  console.error(`loom: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
