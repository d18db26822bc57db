import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exampleTransportTarget } from './example-transport-target.js';
import { defineMessagePortSuite } from './message-ports.js';
import { defineConformanceSuite } from './suite.js';

describe('the example transport of docs/transports.md', () => {
  it('imports nothing but the public ipc-anywhere/transport entry', () => {
    const source = readFileSync(new URL('./example-transport.ts', import.meta.url), 'utf8');
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    expect(imports).toEqual(['../../src/transport.js']);
  });
});

defineConformanceSuite(exampleTransportTarget);
defineMessagePortSuite(exampleTransportTarget);
