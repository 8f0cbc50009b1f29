import { z } from 'zod';
import { QUANTITY_PATTERN } from './quantity.ts';

/**
 * A resource quantity as it appears in Loom's objects: a Kubernetes quantity string or a non-negative integer.
 * The `quantity` marker lets the CRD generator render it the way controller-gen renders `resource.Quantity`.
 */
export const Quantity = z
  .union([z.string().regex(new RegExp(QUANTITY_PATTERN)), z.number().int().nonnegative()])
  .meta({ quantity: true, description: 'A non-negative Kubernetes quantity, e.g. 500m, 4, 16Gi.' });

/** Resource name → quantity, like a pod's `resources.requests`. */
export const ResourceList = z.record(z.string().min(1).max(253), Quantity);
export type ResourceList = z.infer<typeof ResourceList>;
