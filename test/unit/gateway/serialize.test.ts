import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  app,
  apps,
  appState,
  containers,
  newApplication,
  remoteException,
  resourceInfo,
} from '../../../gateway/serialize/daos.ts';
import { renderJson } from '../../../gateway/serialize/json.ts';
import { bool, float, list, long, obj, root, str, strLong } from '../../../gateway/serialize/schema.ts';
import { renderXml } from '../../../gateway/serialize/xml.ts';

const PROLOG = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

describe('YARN serializer: JSON', () => {
  it('wraps roots, keeps field order and omits absent fields', () => {
    const json = renderJson(app, {
      state: 'ACCEPTED',
      id: 'application_1_0001',
      user: 'alice',
      trackingUrl: undefined,
    });
    assert.equal(json, '{"app":{"id":"application_1_0001","user":"alice","state":"ACCEPTED"}}');
  });

  it('prints floats with a decimal and longs exactly past 2^53', () => {
    const s = root(
      'x',
      obj([
        ['progress', float],
        ['capacity', float],
        ['usage', float],
        ['max', long],
      ]),
    );
    assert.equal(
      renderJson(s, { progress: 0, capacity: 40, usage: 15.6264305, max: 9223372036854775807n }),
      '{"x":{"progress":0.0,"capacity":40.0,"usage":15.6264305,"max":9223372036854775807}}',
    );
  });

  it('renders a one-element list as an array and an empty list as an empty wrapper object', () => {
    assert.equal(renderJson(apps, { app: [{ id: 'a' }] }), '{"apps":{"app":[{"id":"a"}]}}');
    assert.equal(renderJson(apps, { app: [] }), '{"apps":{}}');
    assert.equal(renderJson(apps, {}), '{"apps":{}}');
  });

  it('renders maps as entry arrays with string values, and an empty map as {}', () => {
    const json = renderJson(app, {
      id: 'a',
      resourceSecondsMap: { 'memory-mb': 186, vcores: 0 },
      preemptedResourceSecondsMap: {},
    });
    assert.equal(
      json,
      '{"app":{"id":"a","resourceSecondsMap":{"entry":[{"key":"memory-mb","value":"186"},{"key":"vcores","value":"0"}]},"preemptedResourceSecondsMap":{}}}',
    );
  });

  it('leaves unwrapped DAOs without a root key and renders mapped-notation numbers as strings', () => {
    assert.equal(renderJson(appState, { state: 'KILLED' }), '{"state":"KILLED"}');
    assert.equal(
      renderJson(containers, {
        container: [{ containerId: 'c1', allocatedMB: 1024, allocatedResources: { 'memory-mb': 1024 } }],
      }),
      '{"container":[{"containerId":"c1","allocatedMB":"1024","allocatedResources":{"entry":[{"key":"memory-mb","value":"1024"}]}}]}',
    );
  });

  it('escapes strings the JSON way', () => {
    assert.equal(
      renderJson(remoteException, { exception: 'E', message: 'a "quoted"\nline' }),
      '{"RemoteException":{"exception":"E","message":"a \\"quoted\\"\\nline"}}',
    );
  });

  it('adds the polymorphic type first', () => {
    const s = root('scheduler', obj([['schedulerInfo', obj([['capacity', float]], 'capacityScheduler')]]));
    assert.equal(
      renderJson(s, { schedulerInfo: { capacity: 100 } }),
      '{"scheduler":{"schedulerInfo":{"type":"capacityScheduler","capacity":100.0}}}',
    );
  });
});

describe('YARN serializer: XML', () => {
  it('glues the standalone prolog to the root and renders lists as repeated elements', () => {
    assert.equal(
      renderXml(apps, { app: [{ id: 'a' }, { id: 'b' }] }),
      `${PROLOG}<apps><app><id>a</id></app><app><id>b</id></app></apps>`,
    );
  });

  it('renders an empty list root as a self-closing element', () => {
    assert.equal(renderXml(apps, { app: [] }), `${PROLOG}<apps/>`);
  });

  it('uses the DAO root name even for unwrapped JSON DAOs', () => {
    assert.equal(renderXml(appState, { state: 'KILLED' }), `${PROLOG}<appstate><state>KILLED</state></appstate>`);
    assert.match(
      renderXml(newApplication, { 'application-id': 'application_1_0001' }),
      /^<\?xml[^>]+\?><NewApplication><application-id>/,
    );
  });

  it('renders maps as entry elements, floats with a decimal, booleans as words', () => {
    const s = root(
      'x',
      obj([
        ['m', resourceInfo],
        ['f', float],
        ['b', bool],
        ['tags', list(str)],
        ['n', strLong],
      ]),
    );
    assert.equal(
      renderXml(s, { m: { memory: 1024, vCores: 1 }, f: 1, b: false, tags: ['a', 'b'], n: 5 }),
      `${PROLOG}<x><m><memory>1024</memory><vCores>1</vCores></m><f>1.0</f><b>false</b><tags>a</tags><tags>b</tags><n>5</n></x>`,
    );
  });

  it('declares xsi once and marks nested subtypes', () => {
    const leaf = obj([['queueName', str]], 'capacitySchedulerLeafQueueInfo');
    const s = root(
      'scheduler',
      obj([['schedulerInfo', obj([['queues', obj([['queue', list(leaf)]])]], 'capacityScheduler')]]),
    );
    assert.equal(
      renderXml(s, { schedulerInfo: { queues: { queue: [{ queueName: 'default' }] } } }),
      `${PROLOG}<scheduler><schedulerInfo xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="capacityScheduler"><queues><queue xsi:type="capacitySchedulerLeafQueueInfo"><queueName>default</queueName></queue></queues></schedulerInfo></scheduler>`,
    );
  });

  it('escapes markup and never emits characters XML 1.0 cannot carry', () => {
    const xml = renderXml(remoteException, { message: 'a<b & \u0000c' });
    assert.equal(xml, `${PROLOG}<RemoteException><message>a&lt;b &amp; \uFFFDc</message></RemoteException>`);
  });
});
