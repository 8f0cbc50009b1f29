import type { Value } from '../serialize/schema.ts';

const LONG_MAX = 9223372036854775807n;

/** Bounds shown inside `resourceInformation`: the scheduler's allocation limits, or none (0 .. Long.MAX). */
export interface ResourceBounds {
  minMemory: number | bigint;
  maxMemory: number | bigint;
  minVCores: number | bigint;
  maxVCores: number | bigint;
}
const UNBOUNDED: ResourceBounds = { minMemory: 0, maxMemory: LONG_MAX, minVCores: 0, maxVCores: LONG_MAX };

/** ResourceInfo with the typed resource list the RM adds since 3.1. */
export function resourceValue(memory: number, vCores: number, b: ResourceBounds = UNBOUNDED): Record<string, Value> {
  return {
    memory,
    vCores,
    resourceInformations: {
      resourceInformation: [
        {
          attributes: {},
          maximumAllocation: b.maxMemory,
          minimumAllocation: b.minMemory,
          name: 'memory-mb',
          resourceType: 'COUNTABLE',
          units: 'Mi',
          value: memory,
        },
        {
          attributes: {},
          maximumAllocation: b.maxVCores,
          minimumAllocation: b.minVCores,
          name: 'vcores',
          resourceType: 'COUNTABLE',
          units: '',
          value: vCores,
        },
      ],
    },
  };
}
