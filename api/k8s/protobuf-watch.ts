import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { decodeObject, decodeWatchEvent, PROTOBUF, PROTOBUF_OR_JSON, type ProtobufListKind } from './protobuf-list.ts';

/** What client-node's `ListWatch` calls for each event, and once when the watch ends. */
type EventCallback = (phase: string, object: unknown) => void;
type DoneCallback = (err: unknown) => void;

/** An error carrying the HTTP status, read by client-node's `ListWatch` (410: list again). */
class WatchError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

/**
 * A drop-in for client-node's `Watch` (what its `ListWatch` calls) that asks for protobuf, as client-go does for
 * built-in types. client-node's own watch is JSON only: the two events of every pod the scheduler binds are ~4 KB
 * of JSON each (managedFields included), and parsing them was the largest single item of its cpu while binding
 * 10,000 pods. Each event is decoded with the same schema subset as the lists (protobuf-list.ts) into the plain
 * object its JSON form parses to. An answer in JSON (a type with no protobuf form) is read line by line instead.
 *
 * The stream: frames of a 4-byte big-endian length, then `k8s\0` and a runtime.Unknown holding a meta/v1
 * WatchEvent `{ type, object: RawExtension }`, whose object is itself an encoded object (a Status for ERROR).
 * Bookmarks are asked for, so a watch that resumes after a quiet spell rarely has to list again.
 */
export class ProtobufWatch {
  constructor(
    private readonly kc: KubeConfig,
    /** The list kind whose items this watch reports (its path must be that list's). */
    private readonly kind: ProtobufListKind,
  ) {}

  async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: EventCallback,
    done: DoneCallback,
  ): Promise<{ abort(): void }> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    const url = new URL(`${cluster.server.replace(/\/$/, '')}${path}`);
    url.searchParams.set('watch', 'true');
    url.searchParams.set('allowWatchBookmarks', 'true');
    for (const [k, v] of Object.entries(queryParams)) if (v !== undefined) url.searchParams.set(k, String(v));
    const options: RequestOptions = {};
    await this.kc.applyToHTTPSOptions(options);
    let finished = false;
    const finish = (err: unknown): void => {
      if (finished) return;
      finished = true;
      done(err);
    };
    const req = httpsRequest(url, {
      ...options,
      method: 'GET',
      headers: { ...options.headers, Accept: PROTOBUF_OR_JSON },
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        finish(new WatchError(`watch ${path}: ${res.statusCode} ${res.statusMessage ?? ''}`, res.statusCode ?? 0));
        return;
      }
      const feed = (res.headers['content-type'] ?? '').startsWith(PROTOBUF)
        ? this.protobufFrames(callback)
        : jsonLines(callback);
      res.on('data', (chunk: Buffer) => {
        try {
          feed(chunk);
        } catch (err) {
          req.destroy();
          finish(err);
        }
      });
      res.on('end', () => finish(null));
      res.on('error', finish);
    });
    req.on('error', finish);
    // A watch is quiet for minutes at a time; the apiserver ends it on its own schedule, and TCP keepalive notices
    // a dead peer.
    req.on('socket', (socket) => socket.setKeepAlive(true, 30_000));
    req.end();
    return {
      abort: () => {
        // Asked for by ListWatch, which goes on by itself: not reported as an error.
        finished = true;
        req.destroy();
      },
    };
  }

  /** Splits the length-prefixed frames of a protobuf watch and reports each event. */
  private protobufFrames(callback: EventCallback): (chunk: Buffer) => void {
    let pending: Buffer = Buffer.alloc(0);
    return (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let pos = 0;
      while (pending.length - pos >= 4) {
        const length = pending.readUInt32BE(pos);
        if (pending.length - pos - 4 < length) break;
        const event = decodeWatchEvent(pending.subarray(pos + 4, pos + 4 + length));
        pos += 4 + length;
        callback(event.type, decodeObject(event.type === 'ERROR' ? 'Status' : this.kind, event.object));
      }
      pending = pos === pending.length ? Buffer.alloc(0) : pending.subarray(pos);
    };
  }
}

/** Newline-delimited JSON watch events, as client-node reads them. */
function jsonLines(callback: EventCallback): (chunk: Buffer) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString('utf8');
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line) {
        const event = JSON.parse(line) as { type: string; object: unknown };
        callback(event.type, event.object);
      }
      nl = pending.indexOf('\n');
    }
  };
}
