import { CoordinationV1Api, CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';

/** The API handles the rest of `kube/` uses; nothing outside `kube/` sees them. */
export interface KubeClient {
  readonly config: KubeConfig;
  readonly core: CoreV1Api;
  readonly coordination: CoordinationV1Api;
  readonly watch: Watch;
  /** The API server's URL as the kubeconfig gives it; may carry credentials: log `originForLogs(server)`. */
  readonly server: string;
}

/**
 * Loads credentials: an explicit kubeconfig path, else `KUBECONFIG` / `~/.kube/config`,
 * else the in-cluster service account (client-node's default order).
 */
export function createKubeClient(kubeconfigPath?: string): KubeClient {
  const config = new KubeConfig();
  if (kubeconfigPath) config.loadFromFile(kubeconfigPath);
  else config.loadFromDefault();
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('no current cluster in the Kubernetes configuration');
  return {
    config,
    core: config.makeApiClient(CoreV1Api),
    coordination: config.makeApiClient(CoordinationV1Api),
    watch: new Watch(config),
    server: cluster.server,
  };
}
