/** The channel map and validators the typed-view tests share. */
export interface Channels {
  add: { invoke: [a: number, b: number]; returns: number };
  log: { send: [message: string] };
  get: { sendSync: [key: string]; returns: string };
  free: { send: [anything: unknown] };
  changed: { toRenderer: [count: number] };
}

/** What {@link numbers} throws. */
export const refusal = new TypeError('expected numbers');

/** Accepts only numbers. */
export const numbers = (args: unknown[]): void => {
  if (!args.every((arg) => typeof arg === 'number')) throw refusal;
};

/** Accepts exactly one string. */
export const oneString = (args: unknown[]): void => {
  if (args.length !== 1 || typeof args[0] !== 'string') throw new TypeError('expected one string');
};
