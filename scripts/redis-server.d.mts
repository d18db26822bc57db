/** The redis-server on PATH; throws, saying what to install, when there is none. */
export function redisServerBinary(): string;
/** The arguments of a throwaway redis-server on 127.0.0.1:`port` working in `dir`. */
export function redisServerArgs(port: number, dir: string): string[];
/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number>;
/** Resolves once redis-server on `port` answers PING; rejects after `timeoutMs` or once `exited()`. */
export function waitForRedis(port: number, timeoutMs?: number, exited?: () => boolean): Promise<void>;
