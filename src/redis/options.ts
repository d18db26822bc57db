import type { Logger } from '../core/main/logger.js';
import { IpcError, IpcErrorCode } from '../protocol/errors.js';
import {
  checkByteCount,
  checkLogger,
  checkNonEmptyString,
  checkOptionNames,
  checkOptionsObject,
  describeValue,
} from '../protocol/options.js';

export interface RedisClusterOptions {
  /**
   * Where Redis is: `redis[s]://[[user][:password]@]host[:port][/db]`. Default: node-redis's default,
   * `redis://localhost:6379`.
   */
  url?: string;
  /**
   * Names the cluster: processes with the same prefix (on the same Redis) see each other's renderers.
   * Used for the Redis key of the id counter and the pub/sub channels. Default `'ipc-anywhere'`.
   */
  prefix?: string;
  /** How often this process says it is alive (ms). Default 2 000. */
  heartbeatInterval?: number;
  /**
   * How long a process may stay silent before the others count it gone and destroy their proxies of
   * its renderers (ms; at least twice `heartbeatInterval`). A process that died leaves every list
   * within `heartbeatTimeout + heartbeatInterval`. Default 8 000.
   */
  heartbeatTimeout?: number;
  /**
   * The most that may wait to be published to Redis (bytes). Beyond it, messages for other processes'
   * renderers are dropped with `ERR_IPC_CLUSTER_UNAVAILABLE` instead of queued. Default 16 MiB.
   */
  maxBufferedBytes?: number;
  /** How many WebContents ids a process reserves in Redis at a time. Default 1 000. */
  idBlockSize?: number;
  /** Where outages and lost messages are reported. Default: the logger of the main it is given to. */
  logger?: Logger;
}

export interface ResolvedOptions {
  readonly url: string | undefined;
  readonly prefix: string;
  readonly heartbeatInterval: number;
  readonly heartbeatTimeout: number;
  readonly maxBufferedBytes: number;
  readonly idBlockSize: number;
  readonly logger: Logger | undefined;
}

const OPTION_NAMES = [
  'url',
  'prefix',
  'heartbeatInterval',
  'heartbeatTimeout',
  'maxBufferedBytes',
  'idBlockSize',
  'logger',
] as const;

/** Timer values this large would overflow Node's timers (2^31 - 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Checks every option and fills in the defaults.
 * @throws IpcError `ERR_IPC_INVALID_ARGUMENT` naming the option.
 */
export function resolveOptions(options: RedisClusterOptions): ResolvedOptions {
  checkOptionsObject('redisCluster', options);
  checkOptionNames('redisCluster', options, OPTION_NAMES);
  if (options.url !== undefined) checkNonEmptyString('url', options.url, 'a redis:// or rediss:// URL');
  if (options.prefix !== undefined) checkNonEmptyString('prefix', options.prefix, 'a non-empty string');
  checkLogger('logger', options.logger);
  checkByteCount('maxBufferedBytes', options.maxBufferedBytes, { min: 1024 });
  checkByteCount('idBlockSize', options.idBlockSize, { min: 1, max: 1_000_000 });
  const heartbeatInterval = milliseconds('heartbeatInterval', options.heartbeatInterval, 2_000, 10);
  const heartbeatTimeout = milliseconds('heartbeatTimeout', options.heartbeatTimeout, 8_000, 20);
  if (heartbeatTimeout < 2 * heartbeatInterval) {
    throw new IpcError(
      IpcErrorCode.InvalidArgument,
      `heartbeatTimeout (${heartbeatTimeout} ms) must be at least twice heartbeatInterval (${heartbeatInterval} ms): one late heartbeat must not end a process.`,
    );
  }
  return {
    url: options.url,
    prefix: options.prefix ?? 'ipc-anywhere',
    heartbeatInterval,
    heartbeatTimeout,
    maxBufferedBytes: options.maxBufferedBytes ?? 16 * 1024 * 1024,
    idBlockSize: options.idBlockSize ?? 1_000,
    logger: options.logger,
  };
}

function milliseconds(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= MAX_TIMER_MS)
    return value;
  throw new IpcError(
    IpcErrorCode.InvalidArgument,
    `${name} must be a number of milliseconds from ${min} to ${MAX_TIMER_MS} (got ${describeValue(value)}).`,
  );
}
