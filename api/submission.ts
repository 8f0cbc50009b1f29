import { z } from 'zod';

/**
 * The ApplicationSubmissionContext a client POSTs to /apps, in either format. Tolerant the way Jersey/JAXB is:
 * numbers and booleans may come as strings, a map's `entry` may be one object or a list, `command` a string or a
 * list, unknown fields are ignored; values of the wrong type are a 400 naming the field.
 */

const toArray = <T>(v: T | T[] | undefined | ''): T[] =>
  v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v];
const intLike = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform((v) => Number(v));
const boolLike = z
  .union([z.boolean(), z.enum(['true', 'false', 'TRUE', 'FALSE', 'True', 'False'])])
  .transform((v) => (typeof v === 'boolean' ? v : v.toLowerCase() === 'true'));
/** Jersey stringifies scalar map values (`"value": true` → "true"). */
const scalarString = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const str = (max: number) => scalarString.pipe(z.string().max(max));

const entryMap = <V extends z.ZodType>(value: V) =>
  z
    .union([z.object({ entry: z.unknown().optional() }), z.literal('')])
    .optional()
    .transform((m, ctx) => {
      const out: Record<string, z.output<V>> = {};
      if (!m) return out;
      for (const [i, e] of toArray(m.entry).entries()) {
        const parsed = z.object({ key: str(4096), value: value }).safeParse(e);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['entry', i, ...issue.path] });
          return z.NEVER;
        }
        const entry = parsed.data as { key: string; value: z.output<V> };
        out[entry.key] = entry.value;
      }
      return out;
    });

export const LocalResource = z.object({
  resource: str(8192),
  type: z.enum(['ARCHIVE', 'FILE', 'PATTERN']).optional(),
  visibility: z.enum(['PUBLIC', 'PRIVATE', 'APPLICATION']).optional(),
  size: intLike.optional(),
  timestamp: intLike.optional(),
  pattern: str(4096).optional(),
});

export const ContainerLaunchContext = z.object({
  'local-resources': entryMap(LocalResource),
  environment: entryMap(str(131072)),
  commands: z
    .union([z.object({ command: z.union([str(262144), z.array(str(262144))]).optional() }), z.literal('')])
    .optional()
    .transform((c) => (c ? toArray(c.command) : [])),
  'service-data': entryMap(str(1 << 20)),
  /** Delegation tokens and secrets (URL-safe base64 values), which must reach only the app's own AM. */
  credentials: z
    .union([z.object({ tokens: entryMap(str(1 << 20)), secrets: entryMap(str(1 << 20)) }), z.literal('')])
    .optional()
    .transform((c) => (c ? c : { tokens: {}, secrets: {} })),
  'application-acls': entryMap(str(4096)),
});

const Resource = z.object({
  memory: intLike.pipe(z.number().int().min(0)).optional(),
  vCores: intLike.pipe(z.number().int().min(0)).optional(),
});

export const SubmissionContext = z.object({
  'application-id': z.string().default(''),
  'application-name': str(1024).default(''),
  queue: str(1024).optional(),
  priority: intLike.pipe(z.number().int()).optional(),
  'am-container-spec': z
    .union([ContainerLaunchContext, z.literal('')])
    .optional()
    .transform((v) => (v ? v : ContainerLaunchContext.parse({}))),
  'unmanaged-AM': boolLike.default(false),
  'cancel-tokens-when-complete': boolLike.default(true),
  'max-app-attempts': intLike.pipe(z.number().int()).default(0),
  resource: z
    .union([Resource, z.literal('')])
    .optional()
    .transform((r) => ({ memory: r ? (r.memory ?? 0) : 0, vCores: r ? (r.vCores ?? 0) : 0 })),
  'application-type': str(256).optional(),
  'keep-containers-across-application-attempts': boolLike.default(false),
  'application-tags': z
    .union([z.object({ tag: z.union([str(1024), z.array(str(1024))]).optional() }), z.literal('')])
    .optional()
    .transform((t) => (t ? toArray(t.tag) : [])),
  'app-node-label-expression': str(1024).default(''),
  'am-container-node-label-expression': str(1024).default(''),
  'attempt-failures-validity-interval': intLike.default(-1),
  'reservation-id': str(256).default(''),
  'log-aggregation-context': z.unknown().optional(),
});
export type SubmissionContext = z.output<typeof SubmissionContext>;

/** The submission context of a valid body, or the first problem as `field: message`. */
export function submissionProblem(
  body: unknown,
): { ok: true; value: SubmissionContext } | { ok: false; problem: string } {
  const r = SubmissionContext.safeParse(body);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  const path = issue?.path.join('.') ?? '';
  return { ok: false, problem: `${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'}` };
}
