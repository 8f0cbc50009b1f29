import type { Value } from '../serialize/schema.ts';

/** ResourceInfo with the typed resource list the RM adds since 3.1. */
export function resourceValue(memory: number, vCores: number): Record<string, Value> {
  return {
    memory,
    vCores,
    resourceInformations: {
      resourceInformation: [
        {
          attributes: {},
          maximumAllocation: 9223372036854775807n,
          minimumAllocation: 0,
          name: 'memory-mb',
          resourceType: 'COUNTABLE',
          units: 'Mi',
          value: memory,
        },
        {
          attributes: {},
          maximumAllocation: 9223372036854775807n,
          minimumAllocation: 0,
          name: 'vcores',
          resourceType: 'COUNTABLE',
          units: '',
          value: vCores,
        },
      ],
    },
  };
}
