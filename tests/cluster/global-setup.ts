import { clusterPorts, startRedisCluster } from "../helpers/redis-cluster";

/**
 * Starts the private three-node Redis Cluster the cluster tests run against (their project sets
 * REDIS_CLUSTER_NODES to it) and stops it afterwards, whether the tests passed or not.
 */
export default async function setup() {
  const cluster = await startRedisCluster(clusterPorts());
  return () => cluster.stop();
}
