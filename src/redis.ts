/**
 * `ipc-anywhere/redis`: several main processes behind one URL, joined through Redis (docs/scale-out.md).
 * Needs the `redis` package (node-redis), an optional peer dependency.
 * @packageDocumentation
 */

import type { RedisClusterOptions } from './redis/options.js';
import { RedisCluster } from './redis/redis-cluster.js';

export type { Cluster } from './core/main/cluster-link.js';
export { IpcError, IpcErrorCode, isIpcError } from './protocol/errors.js';
export type { RedisClusterOptions } from './redis/options.js';
export { RedisCluster } from './redis/redis-cluster.js';

/**
 * Joins this main process to the others that use the same Redis (and `prefix`): give the result to
 * `createMain({ cluster })`, and await its `ready` before accepting renderers.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` naming the option.
 * @example
 * const cluster = redisCluster({ url: 'redis://127.0.0.1:6379' });
 * const main = createMain({ cluster });
 * await cluster.ready;
 * await createServer({ main, port: 3000 });
 */
export function redisCluster(options?: RedisClusterOptions): RedisCluster {
  return new RedisCluster(options);
}
