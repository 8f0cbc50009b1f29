import type { Answer, Diff } from './diff.ts';
import type { Step } from './requests.ts';
import { dig, scalar } from './tree.ts';

/**
 * Sorting the differences: `expected` = a deliberate difference listed in docs/gateway.md ("Deliberate differences
 * from Hadoop 3.4.1"); `environment` = caused by how the two servers are set up for this check, not by the gateway's
 * code (the reference has no NodeManagers, no translator moves Loom's apps on, configuration values that differ), or
 * by what differs between any two HTTP servers (message framing); `unexplained` = everything else: what the gateway
 * should be fixed for (or the docs amended).
 */
export type DiffClass = 'unexplained' | 'expected' | 'environment';

export interface ClassifiedDiff extends Diff {
  class: DiffClass;
  /** Why it is expected or environmental. */
  reason?: string;
}

/** The RemoteException's `exception` of an answer, if it is one. */
export function exceptionOf(a: Answer): string | undefined {
  if (a.body.kind !== 'json' && a.body.kind !== 'xml') return undefined;
  return scalar(dig(a.body.tree, 'RemoteException', 'exception'));
}

const isXmlAccept = (s: Step): boolean => s.accept === 'application/xml';
const isStandardAccept = (s: Step): boolean =>
  s.accept === undefined || s.accept === 'application/xml' || s.accept === 'application/json';

/** Rules that explain every difference of an exchange at once (Loom answers a different status on purpose). */
const EXCHANGE_RULES: {
  class?: Exclude<DiffClass, 'unexplained'>;
  reason: string;
  applies: (s: Step, ref: Answer, loom: Answer) => boolean;
}[] = [
  {
    reason: 'deliberate: 404 asked in XML — 3.4.1 answers 500 with an empty body, Loom a 404 RemoteException',
    applies: (s, ref, loom) => isXmlAccept(s) && ref.status === 500 && ref.body.kind === 'empty' && loom.status === 404,
  },
  {
    reason: 'deliberate: unsupported Accept — 3.4.1 answers an empty 500, Loom 406 NotAcceptableException',
    applies: (s, ref, loom) => !isStandardAccept(s) && ref.status === 500 && loom.status === 406,
  },
  {
    reason:
      'deliberate: wrong method — 3.4.1 answers 503 WebApplicationException, Loom 405 NotAllowedException + Allow',
    applies: (_s, ref, loom) =>
      ref.status === 503 && exceptionOf(ref) === 'WebApplicationException' && loom.status === 405,
  },
  {
    reason: 'deliberate: unsupported body type — 3.4.1 answers 503, Loom 415 NotSupportedException',
    applies: (_s, ref, loom) => ref.status === 503 && loom.status === 415,
  },
  {
    reason: 'deliberate: unknown path — 3.4.1 answers a 404 HTML page, Loom a 404 NotFoundException RemoteException',
    applies: (_s, ref, loom) =>
      ref.status === 404 &&
      ref.body.kind === 'html' &&
      loom.status === 404 &&
      exceptionOf(loom) === 'NotFoundException',
  },
];

/** App ids at `apps.app[i].id` of an answer (JSON or XML). */
function appIds(a: Answer): string[] {
  if (a.body.kind !== 'json' && a.body.kind !== 'xml') return [];
  const apps = dig(a.body.tree, 'apps');
  if (apps?.t !== 'obj') return [];
  const list = apps.fields.find(([k]) => k === 'app')?.[1];
  if (list?.t !== 'arr') return [];
  return list.items.map((x) => scalar(dig(x, 'id')) ?? '');
}

/** Id and state of every app in an answer (an `/apps` list or a single `app`), in order. */
function appStates(a: Answer): [string, string][] {
  if (a.body.kind !== 'json' && a.body.kind !== 'xml') return [];
  const one = dig(a.body.tree, 'app');
  const list = dig(a.body.tree, 'apps');
  const items =
    one?.t === 'obj'
      ? [one]
      : list?.t === 'obj'
        ? list.fields.flatMap(([k, v]) => (k === 'app' && v.t === 'arr' ? v.items : []))
        : [];
  return items.map((x) => [scalar(dig(x, 'id')) ?? '', scalar(dig(x, 'state')) ?? '']);
}

/**
 * The state, in answer `a`, of the app a diff path is inside: `app.x`, `apps.app[id=...].x`, `apps.app[i].x`, or
 * `apps.app.x` (XML, one app on each side).
 */
function stateAt(path: string, a: Answer): string | undefined {
  const apps = appStates(a);
  if (path.startsWith('app.') || path.startsWith('apps.app.')) return apps.length === 1 ? apps[0]![1] : undefined;
  const id = /^apps\.app\[id=([^\]]+)\]/.exec(path)?.[1];
  if (id) return apps.find(([x]) => x === id)?.[1];
  const index = /^apps\.app\[(\d+)\]/.exec(path)?.[1];
  return index === undefined ? undefined : apps[Number(index)]?.[1];
}

/** The app a diff is about is ACCEPTED on both servers. */
const acceptedOnBoth = (d: Diff, ref: Answer, loom: Answer): boolean =>
  stateAt(d.path, ref) === 'ACCEPTED' && stateAt(d.path, loom) === 'ACCEPTED';

/** The RM's scheduler text for an app whose AM it cannot place (after normalize.ts replaced the date). */
const RM_NOT_ACTIVATED = /^"\[<date>\] Application is added to the scheduler and is not yet activated\. /;

const NO_SCHEDULER =
  "environment: the diagnostics of an ACCEPTED app are its scheduler's words about placing the AM — the reference's CapacityScheduler says the cluster has no resources (no NodeManagers); on Loom the translator and scheduler write them, and neither runs beside this gateway";
const NO_NODEMANAGERS =
  'environment: the reference RM has no NodeManagers, the development cluster has Kubernetes nodes';

/**
 * A malformed-body message split around the parser's own text: `head` = the UnmarshalException wrapper up to the
 * linked exception's class (Jackson) or position (Xerces), `tail` = Jackson's position.
 */
export function parserMessage(a: Answer): { head: string; tail: string } | undefined {
  if (a.body.kind !== 'json' && a.body.kind !== 'xml') return undefined;
  const m = scalar(dig(a.body.tree, 'RemoteException', 'message'));
  const jackson =
    /^(javax\.xml\.bind\.UnmarshalException\n - with linked exception:\n\[javax\.xml\.stream\.XMLStreamException: com\.fasterxml\.jackson\.core\.[\w.]+: )[\s\S]*(\n at \[Source: [^\]]*\]\])$/.exec(
      m ?? '',
    );
  if (jackson) return { head: jackson[1]!, tail: jackson[2]! };
  const sax =
    /^(javax\.xml\.bind\.UnmarshalException\n - with linked exception:\n\[org\.xml\.sax\.SAXParseException; lineNumber: \d+; columnNumber: \d+; )[\s\S]*(\])$/.exec(
      m ?? '',
    );
  return sax ? { head: sax[1]!, tail: sax[2]! } : undefined;
}

/** Rules for single differences. */
const DIFF_RULES: {
  class: Exclude<DiffClass, 'unexplained'>;
  reason: string;
  applies: (d: Diff, s: Step, ref: Answer, loom: Answer) => boolean;
}[] = [
  {
    // Framing is the server's choice per response, not part of the answer: HTTP/1.1 clients must read chunked and
    // Content-Length bodies alike (RFC 9112 §6.1, §6.3), and HTTP libraries hand them the same bytes either way. The
    // RM itself is not consistent: Jetty sends a body with a Content-Length while it fits its 32 KB output buffer and
    // chunked once it outgrows it (XML /scheduler), and closes the connection after /isActive. Compared, and shown,
    // so that a change is seen; never counted against the gateway.
    class: 'environment',
    reason:
      'transport: message framing (chunked vs Content-Length) is chosen per response by each HTTP server (Jetty by its buffer size); HTTP/1.1 clients must accept both',
    applies: (d) => d.kind === 'header' && d.path === '(header framing)',
  },
  {
    // The wrapper, the parser's exception class and the position are the RM's; only the parser's own free text in
    // between may differ (docs/gateway.md: "malformed body, rarer mistakes"). Any other part differing stays
    // unexplained.
    class: 'expected',
    reason:
      "deliberate: malformed body, rarer mistakes — same UnmarshalException wrapper, parser exception and position, the parser's detail text differs",
    applies: (d, _s, ref, loom) => {
      if (d.kind !== 'value' || d.path !== 'RemoteException.message') return false;
      const a = parserMessage(ref);
      const b = parserMessage(loom);
      return !!a && !!b && a.head === b.head && a.tail === b.tail;
    },
  },
  {
    class: 'expected',
    reason:
      "deliberate: rmStateStoreName — the reference runs without recovery (NullRMStateStore); Loom's apps persist in Redis, and NullRMStateStore would tell operators and tools they are lost on a restart",
    applies: (d) =>
      d.kind === 'value' &&
      d.path === 'clusterInfo.rmStateStoreName' &&
      d.reference === '"org.apache.hadoop.yarn.server.resourcemanager.recovery.NullRMStateStore"' &&
      d.loom === '"dev.loom.gateway.RedisAppStore"',
  },
  {
    class: 'expected',
    reason:
      "deliberate: an attempt's trackingUrl before its AM registers — 3.4.1 links to its web-app proxy (/proxy/<app>/), Loom runs no proxy and gives no link",
    applies: (d) =>
      d.kind === 'value' &&
      /^(appAttempt\.)?trackingUrl$/.test(d.path) &&
      /^"http:\/\/<host:port>\/proxy\/application_<app(:\w+)?>\/"$/.test(d.reference) &&
      d.loom === '""',
  },
  {
    class: 'expected',
    reason: 'deliberate: map fields — 3.4.1 repeats the "entry" key, Loom sends {"entry":[...]}',
    applies: (d, s) =>
      !isXmlAccept(s) &&
      d.kind === 'type' &&
      /(^|\.)(resourceSecondsMap|preemptedResourceSecondsMap)\.entry$/.test(d.path),
  },
  {
    class: 'environment',
    reason: NO_SCHEDULER,
    applies: (d, _s, ref, loom) =>
      d.kind === 'value' &&
      ((/(^|\.)diagnostics$/.test(d.path) && acceptedOnBoth(d, ref, loom)) ||
        /^(appAttempt\.)?diagnosticsInfo$/.test(d.path)) &&
      RM_NOT_ACTIVATED.test(d.reference) &&
      d.loom === '""',
  },
  {
    class: 'environment',
    reason:
      'environment: the RM answers a kill with whatever state it reads right after (202 KILLING/ACCEPTED + Location, or 200 KILLED); Loom completes the kill of an ACCEPTED app at once while nothing of it exists in Kubernetes (200 KILLED)',
    applies: (d, s) =>
      !!s.tags?.includes('kill-race') &&
      (d.kind === 'status' || d.path === '(header location)' || /^(appstate\.)?state$/.test(d.path)),
  },
  {
    class: 'environment',
    reason: NO_NODEMANAGERS,
    applies: (d) =>
      /^clusterMetrics\.(totalNodes|activeNodes|lostNodes|unhealthyNodes|decommissionedNodes|shutdownNodes|rebootedNodes)$/.test(
        d.path,
      ) ||
      /^nodes(\.node|$)/.test(d.path) ||
      // Cluster capacity: none without NodeManagers; Loom's nodes show the reclaimed capacity their node agents report.
      (d.kind === 'value' &&
        /^clusterMetrics\.(availableMB|availableVirtualCores|totalMB|totalVirtualCores|totalClusterResourcesAcrossPartition\..+)$/.test(
          d.path,
        ) &&
        d.reference.replace(/"/g, '') === '0'),
  },
  {
    class: 'environment',
    reason:
      'configuration: max allocation vCores — the reference runs with yarn.scheduler.maximum-allocation-vcores 4 (the default), this gateway with --max-allocation-vcores 32',
    applies: (d) =>
      d.kind === 'value' &&
      /(maximumAllocation|maximum-resource-capability)\.(vCores|resourceInformations\.resourceInformation\[name=vcores\]\.value)$/.test(
        d.path,
      ) &&
      d.reference.replace(/"/g, '') === '4' &&
      d.loom.replace(/"/g, '') === '32',
  },
  {
    class: 'environment',
    reason:
      'configuration: leaf queue submit ACL — the reference sets " " (nobody; root decides), the development cluster\'s Queue objects "*"',
    applies: (d) =>
      d.kind === 'value' &&
      /queues\.queue\[queueName=(default|spark|flink)\]\.queueAcls\.queueAcl\[accessType=SUBMIT_APP\]\.accessControlList$/.test(
        d.path,
      ) &&
      d.reference === '" "' &&
      d.loom === '"*"',
  },
  {
    class: 'expected',
    reason:
      'deliberate: /apps order and limit — the RM keeps an arbitrary app, Loom the newest: two different apps, only their number is compared',
    applies: (d, s, ref, loom) =>
      !!s.tags?.includes('limit') && /^apps\.app/.test(d.path) && appIds(ref).join() !== appIds(loom).join(),
  },
  {
    class: 'expected',
    reason:
      'deliberate: finalStatus with limit — the RM filters after applying the limit (and may drop the match), Loom before',
    applies: (d, s, ref, loom) =>
      !!s.tags?.includes('limit-final-status') &&
      /^apps(\.app|$)/.test(d.path) &&
      appIds(ref).join() !== appIds(loom).join(),
  },
];

/** Classifies every difference of one exchange. */
export function classify(step: Step, ref: Answer, loom: Answer, diffs: Diff[]): ClassifiedDiff[] {
  const whole = EXCHANGE_RULES.find((r) => r.applies(step, ref, loom));
  return diffs.map((d) => {
    if (whole) return { ...d, class: whole.class ?? 'expected', reason: whole.reason };
    const rule = DIFF_RULES.find((r) => r.applies(d, step, ref, loom));
    return rule ? { ...d, class: rule.class, reason: rule.reason } : { ...d, class: 'unexplained' };
  });
}
