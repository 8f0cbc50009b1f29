import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { decodeObject, decodeWatchEvent, ListDecoder } from '../../../api/k8s/protobuf-list.ts';

// Bytes written by hand with the upstream field numbers (k8s.io/api core/v1, apimachinery meta/v1 and runtime), as
// the apiserver frames a list: `k8s\0`, then runtime.Unknown { typeMeta = 1, raw = 2, contentEncoding = 3,
// contentType = 4 } with the PodList in `raw`. The real apiserver's bytes are compared with its JSON in
// test/integration/protobuf-list.test.ts.
const W = protobuf.Writer;
const str = (w: protobuf.Writer, field: number, s: string): protobuf.Writer => w.uint32((field << 3) | 2).string(s);
const msg = (w: protobuf.Writer, field: number, inner: (w: protobuf.Writer) => void): protobuf.Writer => {
  w.uint32((field << 3) | 2).fork();
  inner(w);
  return w.ldelim();
};
const mapEntry = (w: protobuf.Writer, field: number, k: string, v: (w: protobuf.Writer) => void): protobuf.Writer =>
  msg(w, field, (e) => {
    str(e, 1, k);
    v(e);
  });

function pod(name: string): Uint8Array {
  const w = W.create();
  msg(w, 1, (m) => {
    str(m, 1, name);
    str(m, 2, ''); // generateName: Go writes empty strings, JSON leaves them out
    str(m, 3, 'ns');
    str(m, 5, `uid-${name}`);
    str(m, 6, '42');
    msg(m, 8, (t) => t.uint32(8).int64(1_795_000_000)); // creationTimestamp
    mapEntry(m, 11, 'app', (e) => str(e, 2, 'web'));
    // managedFields (17): skipped by wire type, never decoded.
    msg(m, 17, (f) => str(f, 1, 'kubectl-create'));
  });
  msg(w, 2, (s) => {
    msg(s, 2, (c) => {
      str(c, 1, 'c');
      str(c, 2, 'registry.k8s.io/pause:3.10'); // image: not in the schema
      msg(c, 8, (r) => mapEntry(r, 2, 'cpu', (e) => msg(e, 2, (q) => str(q, 1, '250m'))));
    });
    str(s, 10, '');
    str(s, 19, 'default-scheduler');
    msg(s, 22, (t) => {
      str(t, 1, 'node.kubernetes.io/not-ready');
      str(t, 2, 'Exists');
      str(t, 3, '');
      str(t, 4, 'NoExecute');
      t.uint32(5 << 3).int64(300);
    });
    s.uint32(25 << 3).int32(7); // priority
  });
  msg(w, 3, (st) => str(st, 1, 'Pending'));
  return w.finish();
}

function list(names: string[], contentEncoding = ''): Buffer {
  const raw = W.create();
  msg(raw, 1, (m) => str(m, 2, '1234'));
  for (const n of names) raw.uint32((2 << 3) | 2).bytes(pod(n));
  const env = W.create();
  msg(env, 1, (t) => {
    str(t, 1, 'v1');
    str(t, 2, 'PodList');
  });
  env.uint32((2 << 3) | 2).bytes(raw.finish());
  str(env, 3, contentEncoding);
  str(env, 4, '');
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), env.finish()]);
}

const decode = (bytes: Buffer, chunk: number): unknown => {
  const d = new ListDecoder('PodList');
  for (let i = 0; i < bytes.length; i += chunk) d.push(bytes.subarray(i, i + chunk));
  return d.end();
};

const expected = (name: string): unknown => ({
  metadata: {
    name,
    namespace: 'ns',
    uid: `uid-${name}`,
    resourceVersion: '42',
    creationTimestamp: '2026-11-18T11:06:40Z',
    labels: { app: 'web' },
  },
  spec: {
    containers: [{ name: 'c', resources: { requests: { cpu: '250m' } } }],
    schedulerName: 'default-scheduler',
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ],
    priority: 7,
  },
  status: { phase: 'Pending' },
});

describe('ListDecoder (Kubernetes protobuf lists)', () => {
  const bytes = list(['a', 'b', 'c']);

  it('decodes the items as their JSON form reads, whatever the chunk boundaries', () => {
    for (const chunk of [1, 3, 17, 64, 1 << 20]) {
      assert.deepEqual(
        decode(bytes, chunk),
        { metadata: { resourceVersion: '1234' }, items: ['a', 'b', 'c'].map(expected) },
        `chunks of ${chunk} bytes`,
      );
    }
  });

  it('decodes an empty list', () => {
    assert.deepEqual(decode(list([]), 5), { metadata: { resourceVersion: '1234' }, items: [] });
  });

  it('refuses a body that is not Kubernetes protobuf', () => {
    assert.throws(() => decode(Buffer.from('{"kind":"PodList","items":[]}'), 64), /not a Kubernetes protobuf body/);
  });

  it('refuses a truncated body at every cut', () => {
    for (const cut of [3, 10, Math.floor(bytes.length / 2), bytes.length - 1]) {
      assert.throws(() => decode(bytes.subarray(0, cut), 7), /truncated/, `cut at ${cut} of ${bytes.length}`);
    }
  });

  it('refuses an encoding it does not read', () => {
    assert.throws(() => decode(list(['a'], 'gzip'), 64), /unsupported content encoding gzip/);
  });
});

describe('protobuf watch events', () => {
  // As the apiserver streams them: a bare meta/v1 WatchEvent { type = 1, object = 2 { raw = 1 } } per frame, whose
  // object is a whole encoded object (`k8s\0` + runtime.Unknown).
  const enveloped = (raw: Uint8Array): Uint8Array =>
    Buffer.concat([
      Buffer.from('k8s\0', 'latin1'),
      W.create()
        .uint32((2 << 3) | 2)
        .bytes(raw)
        .finish(),
    ]);
  const frame = (type: string, object: Uint8Array): Uint8Array => {
    const w = W.create();
    str(w, 1, type);
    msg(w, 2, (r) => r.uint32((1 << 3) | 2).bytes(object));
    return w.finish();
  };

  it('an ADDED event carries the pod as its JSON form reads', () => {
    const e = decodeWatchEvent(frame('ADDED', enveloped(pod('a'))));
    assert.equal(e.type, 'ADDED');
    assert.deepEqual(decodeObject('PodList', e.object), expected('a'));
  });

  it('an ERROR event carries a Status whose code ListWatch reads (410: list again)', () => {
    const status = W.create();
    str(status, 2, 'Failure');
    str(status, 3, 'too old resource version: 1 (342)');
    str(status, 4, 'Expired');
    status.uint32(6 << 3).int32(410);
    const e = decodeWatchEvent(frame('ERROR', enveloped(status.finish())));
    assert.equal(e.type, 'ERROR');
    assert.deepEqual(decodeObject('Status', e.object), {
      status: 'Failure',
      message: 'too old resource version: 1 (342)',
      reason: 'Expired',
      code: 410,
    });
  });

  it('refuses an object that is not enveloped', () => {
    assert.throws(() => decodeObject('PodList', pod('a')), /not a Kubernetes protobuf object/);
  });
});
