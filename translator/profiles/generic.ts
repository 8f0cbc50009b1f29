import { amRole, type Profile } from './profile.ts';
import { flagValue, sizeMiB, tokenize } from './command.ts';

/**
 * Everything else (YARN, DistributedShell, custom AMs): the AM command runs as the pod's command. DistributedShell's
 * `--num_containers N` (with `--container_memory`/`--container_vcores`) adds N container members to the gang.
 */
export const genericProfile: Profile = (input) => {
  const command = input.submission['am-container-spec'].commands.join(' ');
  if (!input.app.unmanagedAM && command.trim() === '') {
    return { ok: false, diagnostics: 'The submission has no AM command (am-container-spec.commands is empty).' };
  }
  let tokens: string[];
  try {
    tokens = tokenize(command);
  } catch (err) {
    return { ok: false, diagnostics: `Cannot read the AM command: ${(err as Error).message}` };
  }
  const roles = [amRole(input, 'am', 'am')];
  const isDistributedShell = tokens.some((t) => t.endsWith('distributedshell.ApplicationMaster'));
  const n = flagValue(tokens, '--num_containers');
  let containers = 0;
  if (isDistributedShell && n !== undefined) {
    if (!/^\d+$/.test(n)) return { ok: false, diagnostics: `--num_containers ${n} is not a whole number` };
    containers = Number(n);
    const mem = sizeMiB(flagValue(tokens, '--container_memory') ?? '10');
    const vcores = Number(flagValue(tokens, '--container_vcores') ?? '1');
    if (mem === undefined || !Number.isInteger(vcores) || vcores < 1) {
      return { ok: false, diagnostics: 'Invalid DistributedShell --container_memory or --container_vcores' };
    }
    if (containers > 0) {
      roles.push({
        name: 'container',
        yarnRole: 'container',
        count: containers,
        cpuMilli: vcores * 1000,
        memoryMiB: mem,
        placeholders: true,
      });
    }
  }
  return {
    ok: true,
    plan: {
      profile: isDistributedShell ? 'distributedshell' : 'generic',
      roles,
      minMember: 1 + containers,
      notes: { containers },
    },
  };
};
