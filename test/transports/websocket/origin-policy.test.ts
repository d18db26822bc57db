import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { OriginPolicy } from '../../../src/transports/websocket/origin-policy.js';

function listening(port: number, address = '127.0.0.1'): AddressInfo {
  return { address, family: address.includes(':') ? 'IPv6' : 'IPv4', port };
}

describe('OriginPolicy', () => {
  it('allows the server’s own origins, written canonically or not', () => {
    const policy = new OriginPolicy(undefined, () => listening(4100), false);
    expect(policy.allows('http://127.0.0.1:4100')).toBe(true);
    expect(policy.allows('http://localhost:4100')).toBe(true);
    expect(policy.allows('http://[::1]:4100')).toBe(true);
    expect(policy.allows('http://LOCALHOST:4100/')).toBe(true);
    expect(policy.allows('http://127.0.0.1:4101')).toBe(false);
    expect(policy.allows('http://127.0.0.1:41000')).toBe(false);
    expect(policy.allows('https://127.0.0.1:4100')).toBe(false);
    expect(policy.allows('http://127.0.0.1:4100.evil.example')).toBe(false);
  });

  it('follows the server to a new address, and keeps one list while the address stays', () => {
    let address: AddressInfo | null = null;
    const policy = new OriginPolicy(undefined, () => address, false);
    expect(policy.allows('http://127.0.0.1:4100')).toBe(false);
    address = listening(4100);
    const first = policy.ownOrigins();
    expect(policy.ownOrigins()).toBe(first);
    expect(policy.allows('http://127.0.0.1:4100')).toBe(true);
    address = listening(4200, '10.0.0.7');
    expect(policy.allows('http://127.0.0.1:4100')).toBe(false);
    expect(policy.allows('http://10.0.0.7:4200')).toBe(true);
    expect(policy.ownOrigins()).not.toBe(first);
  });

  it('matches a configured list exactly, after canonicalizing both sides', () => {
    const policy = new OriginPolicy(['https://App.example.com/'], () => listening(4100), true);
    expect(policy.allows('https://app.example.com')).toBe(true);
    expect(policy.allows('https://app.example.com:443')).toBe(true);
    expect(policy.allows('https://app.example.co')).toBe(false);
    expect(policy.allows('https://127.0.0.1:4100')).toBe(false);
  });

  it('answers a missing origin by its option and refuses for a throwing predicate', () => {
    expect(new OriginPolicy(undefined, () => null, false).allows(undefined)).toBe(true);
    expect(new OriginPolicy(undefined, () => null, false, false).allows(undefined)).toBe(false);
    const throwing = new OriginPolicy(
      () => {
        throw new Error('boom');
      },
      () => null,
      false,
    );
    expect(throwing.allows('http://127.0.0.1:1')).toBe(false);
  });
});
