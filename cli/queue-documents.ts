import { stringify } from 'yaml';
import type { Queue } from '../api/queue.ts';

/**
 * Queue objects as text: YAML, one document per Queue (kubectl apply -f takes it), or JSON, a v1 List. A module of
 * its own so that only `loom queues import` loads the YAML printer.
 */
export function queueDocuments(queues: readonly Queue[], format: 'yaml' | 'json'): string {
  if (format === 'json') return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: queues }, null, 2)}\n`;
  return queues.map((q) => stringify(q)).join('---\n');
}
