import protobuf from 'protobufjs';
import type { BodyDecoder } from './keepalive-client.ts';

/**
 * The Accept header of a list that may come back as Kubernetes protobuf: the apiserver answers protobuf for built-in
 * types and JSON for custom resources (which have no protobuf form), so one header serves both.
 */
export const PROTOBUF_OR_JSON = 'application/vnd.kubernetes.protobuf, application/json';

/** Content type of a Kubernetes protobuf answer. */
export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/**
 * The fields of core/v1 Pod and Node lists that Loom reads, with the field numbers of the upstream
 * `k8s.io/api/core/v1/generated.proto` and `k8s.io/apimachinery/.../generated.proto` (v0.34). Everything else an
 * object carries (managedFields, status conditions, images, volumes, ...) is skipped by wire type without being
 * decoded: that is the point. A list of 10,000 pods made with kubectl is 42 MB of JSON that takes the apiserver
 * 1–2 s to write and Node ~0.9 s to parse; as protobuf it is 11 MB, written in ~0.6 s.
 *
 * Adding a field the scheduler starts reading means adding it here with its upstream number; the integration test
 * (test/integration/protobuf-list.test.ts) compares this decoding with the JSON list of the same objects.
 */
const SCHEMA = `
syntax = "proto2";
package loom.k8s;

message ListMeta { optional string resourceVersion = 2; optional string continue = 3; }
message Unknown { optional bytes raw = 2; optional string contentEncoding = 3; }
message RawExtension { optional bytes raw = 1; }
message WatchEvent { optional string type = 1; optional RawExtension object = 2; }
message Status {
  optional string status = 2; optional string message = 3; optional string reason = 4; optional int32 code = 6;
}
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message Quantity { optional string string = 1; }
message OwnerReference {
  optional string kind = 1; optional string name = 3; optional string uid = 4; optional string apiVersion = 5;
  optional bool controller = 6;
}
message ObjectMeta {
  optional string name = 1; optional string generateName = 2; optional string namespace = 3; optional string uid = 5;
  optional string resourceVersion = 6; optional int64 generation = 7; optional Time creationTimestamp = 8;
  optional Time deletionTimestamp = 9; map<string, string> labels = 11; map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13;
}
message LabelSelectorRequirement { optional string key = 1; optional string operator = 2; repeated string values = 3; }
message LabelSelector { map<string, string> matchLabels = 1; repeated LabelSelectorRequirement matchExpressions = 2; }

message ResourceRequirements { map<string, Quantity> limits = 1; map<string, Quantity> requests = 2; }
message Container { optional string name = 1; optional ResourceRequirements resources = 8; }
message NodeSelectorRequirement { optional string key = 1; optional string operator = 2; repeated string values = 3; }
message NodeSelectorTerm {
  repeated NodeSelectorRequirement matchExpressions = 1; repeated NodeSelectorRequirement matchFields = 2;
}
message NodeSelector { repeated NodeSelectorTerm nodeSelectorTerms = 1; }
message NodeAffinity { optional NodeSelector requiredDuringSchedulingIgnoredDuringExecution = 1; }
message PodAffinityTerm {
  optional LabelSelector labelSelector = 1; repeated string namespaces = 2; optional string topologyKey = 3;
  optional LabelSelector namespaceSelector = 4;
}
message PodAntiAffinity { repeated PodAffinityTerm requiredDuringSchedulingIgnoredDuringExecution = 1; }
message Affinity { optional NodeAffinity nodeAffinity = 1; optional PodAntiAffinity podAntiAffinity = 3; }
message Toleration {
  optional string key = 1; optional string operator = 2; optional string value = 3; optional string effect = 4;
  optional int64 tolerationSeconds = 5;
}
message PodSpec {
  repeated Container containers = 2; map<string, string> nodeSelector = 7; optional string nodeName = 10;
  optional Affinity affinity = 18; optional string schedulerName = 19; repeated Container initContainers = 20;
  repeated Toleration tolerations = 22; optional string priorityClassName = 24; optional int32 priority = 25;
  optional string preemptionPolicy = 31; map<string, Quantity> overhead = 32;
}
message PodStatus { optional string phase = 1; optional string nominatedNodeName = 11; optional string qosClass = 9; }
message Pod { optional ObjectMeta metadata = 1; optional PodSpec spec = 2; optional PodStatus status = 3; }

message Taint { optional string key = 1; optional string value = 2; optional string effect = 3; optional Time timeAdded = 4; }
message NodeSpec { optional bool unschedulable = 4; repeated Taint taints = 5; }
message NodeStatus { map<string, Quantity> capacity = 1; map<string, Quantity> allocatable = 2; }
message Node { optional ObjectMeta metadata = 1; optional NodeSpec spec = 2; optional NodeStatus status = 3; }
`;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
const type = (name: string): protobuf.Type => root.lookupType(`loom.k8s.${name}`);
const LIST_META = type('ListMeta');
/** What a PodList's or NodeList's `items` (field 2) hold. */
const ITEM = { PodList: type('Pod'), NodeList: type('Node') } as const;

/** The 4 bytes every Kubernetes protobuf body starts with (`k8s\0`), before a runtime.Unknown envelope. */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const UNKNOWN = type('Unknown');
const WATCH_EVENT = type('WatchEvent');
const STATUS = type('Status');

/**
 * One object as the apiserver writes it in protobuf (`k8s\0`, then runtime.Unknown with the object in `raw`), as
 * the plain object its JSON form parses to (see {@link ListDecoder}). `kind` names the list whose items it is, or
 * `Status` for the object of a watch's ERROR event.
 */
export function decodeObject(kind: ProtobufListKind | 'Status', bytes: Uint8Array): unknown {
  if (!enveloped(bytes)) throw new Error('not a Kubernetes protobuf object');
  const raw = unwrap(bytes);
  return plain(kind === 'Status' ? STATUS.decode(raw) : ITEM[kind].decode(raw));
}

const enveloped = (bytes: Uint8Array): boolean => bytes.length >= 4 && MAGIC.equals(bytes.subarray(0, 4));

/** The `raw` of the runtime.Unknown after the magic of an enveloped object. */
function unwrap(bytes: Uint8Array): Uint8Array {
  const envelope = UNKNOWN.decode(bytes.subarray(4)) as unknown as { raw?: Uint8Array; contentEncoding?: string };
  if (envelope.contentEncoding) throw new Error(`unsupported content encoding ${envelope.contentEncoding}`);
  return envelope.raw ?? new Uint8Array();
}

/**
 * A watch event frame (without its length prefix): its type and its object's protobuf bytes. The stream writes the
 * meta/v1 WatchEvent bare (the apiserver's raw stream serializer: no magic, no envelope); its object is a whole
 * encoded object, envelope and all.
 */
export function decodeWatchEvent(frame: Uint8Array): { type: string; object: Uint8Array } {
  const event = WATCH_EVENT.decode(enveloped(frame) ? unwrap(frame) : frame) as unknown as {
    type?: string;
    object?: { raw?: Uint8Array };
  };
  return { type: event.type ?? '', object: event.object?.raw ?? new Uint8Array() };
}

/** The kinds of list {@link ListDecoder} reads. */
export type ProtobufListKind = keyof typeof ITEM;

/** A decoded list: what its JSON form parses to, restricted to the schema's fields. */
export interface DecodedList<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}

/**
 * Decodes a Kubernetes protobuf list answer while it streams in (the apiserver writes protobuf lists item by item:
 * its first byte of 10,000 pods leaves after ~0.2 s, the last after ~0.6 s), so decoding overlaps the transfer
 * instead of following it. Only the list's framing is read here — the `k8s\0` magic, the runtime.Unknown envelope's
 * `raw` field, the list's `metadata` and `items` fields; each item is decoded by protobufjs from the schema above.
 *
 * Result: the plain objects the JSON form parses to, restricted to the schema's fields: Quantity as its string,
 * Time as RFC 3339, int64 as a number. Go writes every non-pointer field, empty or not, where JSON leaves
 * `omitempty` ones out; empty strings, lists and maps are dropped to match (zeros and `false` are kept: they mean
 * the same as absent to every reader).
 */
export class ListDecoder<T> implements BodyDecoder<DecodedList<T>> {
  private pending: Buffer = Buffer.alloc(0);
  private stage: 'magic' | 'envelope' | 'list' = 'magic';
  /** Bytes of the envelope's `raw` field (the list) not consumed yet. */
  private listLeft = 0;
  private sawList = false;
  private metadata?: DecodedList<T>['metadata'];
  private readonly items: T[] = [];

  constructor(private readonly kind: ProtobufListKind) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let pos = 0;
    for (;;) {
      const buf = this.pending;
      if (this.stage === 'magic') {
        if (buf.length - pos < 4) break;
        if (!MAGIC.equals(buf.subarray(pos, pos + 4))) throw new Error('not a Kubernetes protobuf body');
        pos += 4;
        this.stage = 'envelope';
        continue;
      }
      const head = fieldHead(buf, pos);
      if (!head) break;
      if (head.wireType !== 2) throw new Error(`unexpected protobuf wire type ${head.wireType} in a list`);
      if (this.stage === 'envelope' && head.field === 2) {
        // runtime.Unknown.raw: the list itself, streamed; its fields follow from here.
        pos = head.next;
        this.listLeft = head.length;
        this.sawList = true;
        this.stage = 'list';
      } else {
        if (buf.length - head.next < head.length) break;
        const bytes = buf.subarray(head.next, head.next + head.length);
        pos = head.next + head.length;
        if (this.stage === 'envelope') {
          // runtime.Unknown.contentEncoding: set only for encodings this decoder does not read.
          if (head.field === 3 && bytes.length > 0) throw new Error(`unsupported content encoding ${bytes.toString()}`);
        } else {
          this.listLeft -= pos - head.start;
          if (head.field === 1) this.metadata = plain(LIST_META.decode(bytes)) as DecodedList<T>['metadata'];
          else if (head.field === 2) this.items.push(plain(ITEM[this.kind].decode(bytes)) as T);
        }
      }
      if (this.stage === 'list' && this.listLeft <= 0) {
        if (this.listLeft < 0) throw new Error('a list item runs past the end of the list');
        this.stage = 'envelope';
      }
    }
    this.pending = pos === this.pending.length ? Buffer.alloc(0) : this.pending.subarray(pos);
  }

  end(): DecodedList<T> {
    if (this.stage !== 'envelope' || !this.sawList || this.pending.length > 0)
      throw new Error('truncated Kubernetes protobuf list');
    return { ...(this.metadata ? { metadata: this.metadata } : {}), items: this.items };
  }
}

interface FieldHead {
  field: number;
  wireType: number;
  length: number;
  /** Where the field's payload starts. */
  next: number;
  /** Where its head started. */
  start: number;
}

/** The tag and (for length-delimited fields) length at `pos`, or undefined when the bytes are not all there yet. */
function fieldHead(buf: Buffer, pos: number): FieldHead | undefined {
  const tag = varint(buf, pos);
  if (!tag) return undefined;
  const wireType = tag.value % 8;
  const field = Math.floor(tag.value / 8);
  if (wireType !== 2) return { field, wireType, length: 0, next: tag.next, start: pos };
  const length = varint(buf, tag.next);
  if (!length) return undefined;
  return { field, wireType, length: length.value, next: length.next, start: pos };
}

function varint(buf: Buffer, pos: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < buf.length && i < pos + 10; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return { value, next: i + 1 };
    scale *= 128;
  }
  if (buf.length - pos >= 10) throw new Error('malformed protobuf varint');
  return undefined;
}

/** protobufjs gives absent maps as empty objects of their own; messages have the Message prototype. */
const isEmptyMap = (x: unknown): boolean =>
  x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype && Object.keys(x).length === 0;

const TIME_FIELDS = new Set(['creationTimestamp', 'deletionTimestamp', 'timeAdded']);
const QUANTITY_MAPS = new Set(['limits', 'requests', 'overhead', 'capacity', 'allocatable']);
/** int64 fields come as Long objects when the `long` package is present (protobufjs depends on it). */
const Long = protobuf.util.Long as unknown as { isLong(v: unknown): boolean } | undefined;
const isLong = (v: object): v is { toNumber(): number } => Long?.isLong(v) === true;

/**
 * A decoded message as a plain object: one pass over the fields present (own properties; protobufjs keeps
 * defaults on the prototype), where `Type.toObject` plus a second pass would walk everything twice.
 */
function plain(v: object): unknown {
  if (Array.isArray(v)) return v.map((x: unknown) => (x !== null && typeof x === 'object' ? plain(x) : x));
  if (isLong(v)) return v.toNumber();
  const m = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(m)) {
    const x = m[k];
    if (x === '' || (Array.isArray(x) && x.length === 0) || isEmptyMap(x)) continue;
    if (x === null || typeof x !== 'object' || x instanceof Uint8Array) out[k] = x;
    else if (TIME_FIELDS.has(k)) out[k] = rfc3339(plain(x) as { seconds?: number });
    else if (QUANTITY_MAPS.has(k)) out[k] = quantities(x);
    else out[k] = plain(x);
  }
  return out;
}

// metav1.Time is written to JSON with whole seconds, so the JSON and protobuf forms of an object agree.
const rfc3339 = (t: { seconds?: number }): string =>
  new Date((t.seconds ?? 0) * 1000).toISOString().replace('.000Z', 'Z');

const quantities = (m: object): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, q] of Object.entries(m)) out[k] = (q as { string?: string }).string ?? '0';
  return out;
};
