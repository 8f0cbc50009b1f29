import type { KubeConfig } from '@kubernetes/client-node';
import { ApiException, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, QUEUE, SCHEDULING_UNIT, VERSION, YARN_APPLICATION_ID_LABEL } from '../../api/names.ts';
import type { QueueTier } from '../../api/queue.ts';
import type { K8sObject } from '../objects.ts';

/** The narrow set of writes the translator makes; everything is idempotent. */
export interface ClusterWriter {
  ensureNamespace(name: string): Promise<void>;
  /** Creates the unit, or returns the existing one's uid (AlreadyExists is success). */
  createUnit(unit: K8sObject): Promise<string>;
  createPod(pod: K8sObject): Promise<'created' | 'exists'>;
  /** The tier of a Queue object (`spot` when the queue or the field is missing). */
  queueTier(name: string): Promise<QueueTier>;
  /** Creates a Secret (AlreadyExists is success). */
  createSecret(secret: K8sObject): Promise<void>;
  /** Deletes every unit and pod of an application; counts what was there. */
  deleteApp(namespace: string, appId: string): Promise<{ units: number; pods: number }>;
}

const isCode = (err: unknown, code: number): boolean => err instanceof ApiException && err.code === code;

/** A delete of something already gone is done. */
const ignoreNotFound = (err: unknown): undefined => {
  if (isCode(err, 404)) return undefined;
  throw err;
};

/** ClusterWriter over @kubernetes/client-node. */
export class KubeClusterWriter implements ClusterWriter {
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly namespaces = new Set<string>();

  constructor(kc: KubeConfig) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
  }

  async ensureNamespace(name: string): Promise<void> {
    if (this.namespaces.has(name)) return;
    try {
      await this.core.createNamespace({
        body: { metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'loom' } } },
      });
    } catch (err) {
      // 403: installed with deploy/base, which creates the namespace and grants no namespace creation.
      if (!isCode(err, 409) && !isCode(err, 403)) throw err;
    }
    this.namespaces.add(name);
  }

  async createUnit(unit: K8sObject): Promise<string> {
    const args = {
      group: GROUP,
      version: VERSION,
      namespace: unit.metadata.namespace ?? 'default',
      plural: SCHEDULING_UNIT.plural,
    };
    try {
      const created = (await this.custom.createNamespacedCustomObject({ ...args, body: unit })) as K8sObject & {
        metadata: { uid?: string };
      };
      return created.metadata.uid ?? '';
    } catch (err) {
      if (!isCode(err, 409)) throw err;
      const existing = (await this.custom.getNamespacedCustomObject({ ...args, name: unit.metadata.name })) as {
        metadata: { uid?: string };
      };
      return existing.metadata.uid ?? '';
    }
  }

  async createPod(pod: K8sObject): Promise<'created' | 'exists'> {
    try {
      await this.core.createNamespacedPod({
        namespace: pod.metadata.namespace ?? 'default',
        body: pod,
      });
      return 'created';
    } catch (err) {
      if (isCode(err, 409)) return 'exists';
      throw err;
    }
  }

  async queueTier(name: string): Promise<QueueTier> {
    try {
      const q = (await this.custom.getClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural: QUEUE.plural,
        name,
      })) as { spec?: { tier?: string } };
      return q.spec?.tier === 'reserved' ? 'reserved' : 'spot';
    } catch (err) {
      if (isCode(err, 404)) return 'spot';
      throw err;
    }
  }

  async createSecret(secret: K8sObject): Promise<void> {
    try {
      await this.core.createNamespacedSecret({ namespace: secret.metadata.namespace ?? 'default', body: secret });
    } catch (err) {
      if (!isCode(err, 409)) throw err;
    }
  }

  async deleteApp(namespace: string, appId: string): Promise<{ units: number; pods: number }> {
    const labelSelector = `${YARN_APPLICATION_ID_LABEL}=${appId}`;
    const pods = await this.core.listNamespacedPod({ namespace, labelSelector });
    const units = (await this.custom.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: SCHEDULING_UNIT.plural,
      labelSelector,
    })) as {
      items: { metadata: { name: string } }[];
    };
    await Promise.all(
      pods.items.map((p) =>
        this.core
          .deleteNamespacedPod({ name: p.metadata?.name ?? '', namespace, gracePeriodSeconds: 0 })
          .catch(ignoreNotFound),
      ),
    );
    await Promise.all(
      units.items.map((u) =>
        this.custom
          .deleteNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            namespace,
            plural: SCHEDULING_UNIT.plural,
            name: u.metadata.name,
          })
          .catch(ignoreNotFound),
      ),
    );
    return { units: units.items.length, pods: pods.items.length };
  }
}
