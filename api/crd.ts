import { z } from 'zod';
import { GROUP, QUEUE, SCHEDULING_UNIT, VERSION } from './names.ts';
import { QueueSpec, QueueStatus } from './queue.ts';
import { SchedulingUnitSpec, SchedulingUnitStatus } from './scheduling-unit.ts';

/**
 * CustomResourceDefinitions generated from the zod schemas in this folder, so the apiserver validates exactly what
 * Loom's code validates. `npm run gen:crds` writes them to `deploy/crds/`; a unit test fails if those files drift.
 */

type JsonSchema = Record<string, unknown>;

/** Turns zod's JSON Schema (draft 2020-12) into a Kubernetes structural OpenAPI v3 schema. */
export function toStructural(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toStructural);
  if (node === null || typeof node !== 'object') return node;
  const schema = node as JsonSchema;
  if (schema.quantity === true) {
    // The shape controller-gen emits for resource.Quantity.
    const out: JsonSchema = {
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      'x-kubernetes-int-or-string': true,
    };
    const str = (schema.anyOf as JsonSchema[] | undefined)?.find((s) => s.type === 'string');
    if (str?.pattern) out.pattern = str.pattern;
    if (schema.description) out.description = schema.description;
    return out;
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || key === 'propertyNames' || key === 'quantity') continue;
    // JavaScript's safe-integer bound is noise in a CRD; int64 is what the apiserver stores.
    if (
      (key === 'maximum' && value === Number.MAX_SAFE_INTEGER) ||
      (key === 'minimum' && value === Number.MIN_SAFE_INTEGER)
    )
      continue;
    if (key === 'additionalProperties' && value === false) continue;
    out[key] = toStructural(value);
  }
  if (out.type === 'integer' && out.format === undefined) out.format = 'int64';
  return out;
}

const schemaOf = (s: z.ZodType): JsonSchema =>
  toStructural(z.toJSONSchema(s, { io: 'input', unrepresentable: 'throw' })) as JsonSchema;

interface CrdOptions {
  names: { kind: string; listKind: string; plural: string; singular: string; shortNames: readonly string[] };
  scope: 'Namespaced' | 'Cluster';
  spec: z.ZodType;
  status: z.ZodType;
  printerColumns: { name: string; type: string; jsonPath: string; description?: string; priority?: number }[];
  categories: string[];
}

function crd(o: CrdOptions): JsonSchema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${o.names.plural}.${GROUP}` },
    spec: {
      group: GROUP,
      names: { ...o.names, shortNames: [...o.names.shortNames], categories: o.categories },
      scope: o.scope,
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: o.printerColumns,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: schemaOf(o.spec),
                status: schemaOf(o.status),
              },
            },
          },
        },
      ],
    },
  };
}

/** The SchedulingUnit CRD (namespaced gang). */
export const schedulingUnitCrd = (): JsonSchema =>
  crd({
    names: SCHEDULING_UNIT,
    scope: 'Namespaced',
    spec: SchedulingUnitSpec,
    status: SchedulingUnitStatus,
    categories: ['loom'],
    printerColumns: [
      { name: 'Queue', type: 'string', jsonPath: '.spec.queue' },
      { name: 'MinMember', type: 'integer', jsonPath: '.spec.minMember' },
      { name: 'Scheduled', type: 'integer', jsonPath: '.status.members.scheduled' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Application', type: 'string', jsonPath: '.spec.application.id', priority: 1 },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  });

/** The Queue CRD (cluster-scoped, CapacityScheduler model). */
export const queueCrd = (): JsonSchema =>
  crd({
    names: QUEUE,
    scope: 'Cluster',
    spec: QueueSpec,
    status: QueueStatus,
    categories: ['loom'],
    printerColumns: [
      { name: 'Parent', type: 'string', jsonPath: '.spec.parent' },
      { name: 'Weight', type: 'integer', jsonPath: '.spec.weight' },
      { name: 'State', type: 'string', jsonPath: '.spec.state' },
      { name: 'Running', type: 'integer', jsonPath: '.status.runningApplications' },
      { name: 'Pending', type: 'integer', jsonPath: '.status.pendingApplications' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  });

/** JSON Schemas (draft 2020-12) of the specs, for editors and tools outside Kubernetes. */
export const jsonSchemas = (): Record<string, unknown> => ({
  'schedulingunit-spec.schema.json': z.toJSONSchema(SchedulingUnitSpec, { io: 'input' }),
  'queue-spec.schema.json': z.toJSONSchema(QueueSpec, { io: 'input' }),
});

/** File name under deploy/crds → CRD object. */
export const allCrds = (): Record<string, JsonSchema> => ({
  [`${GROUP}_${SCHEDULING_UNIT.plural}.yaml`]: schedulingUnitCrd(),
  [`${GROUP}_${QUEUE.plural}.yaml`]: queueCrd(),
});
