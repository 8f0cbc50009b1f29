import { KubeConfig } from '@kubernetes/client-node';

/** The kubeconfig from a file, or the in-cluster service account when no file is given (a Pod of deploy/). */
export function loadKubeConfig(file?: string): KubeConfig {
  const kc = new KubeConfig();
  if (file) kc.loadFromFile(file);
  else kc.loadFromCluster();
  return kc;
}
