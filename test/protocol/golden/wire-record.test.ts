import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../src/protocol/version.js';
import { currentDigests, digestsSource } from './wire-digest.js';
import { WIRE_RECORD } from './wire-record.js';

const RECORD_FILE = 'test/protocol/golden/wire-record.ts';

describe('golden fixtures are tied to PROTOCOL_VERSION', () => {
  const digests = currentDigests();

  it('the record belongs to the current PROTOCOL_VERSION', () => {
    expect(
      WIRE_RECORD.protocolVersion,
      `PROTOCOL_VERSION is ${PROTOCOL_VERSION} but ${RECORD_FILE} records the fixtures of version ` +
        `${WIRE_RECORD.protocolVersion}. Once docs/protocol.md has a History entry for version ` +
        `${PROTOCOL_VERSION}, set protocolVersion: ${PROTOCOL_VERSION} and fixtures: ${digestsSource(digests)}`,
    ).toBe(PROTOCOL_VERSION);
  });

  it('no recorded fixture changed its bytes within this version', () => {
    if (WIRE_RECORD.protocolVersion !== PROTOCOL_VERSION) return; // reported by the test above
    const changed = Object.keys(WIRE_RECORD.fixtures).filter(
      (name) => name in digests && digests[name] !== WIRE_RECORD.fixtures[name],
    );
    expect(
      changed,
      'wire format changed: bump PROTOCOL_VERSION and add a History entry in docs/protocol.md ' +
        `(fixtures whose bytes differ from ${RECORD_FILE}: ${changed.join('; ')})`,
    ).toEqual([]);
  });

  it('every fixture is recorded, and every recorded fixture still exists', () => {
    const unrecorded = Object.keys(digests).filter((name) => !(name in WIRE_RECORD.fixtures));
    const unrecordedLines = unrecorded.map((name) => `    ${JSON.stringify(name)}: '${digests[name]}',`);
    expect(
      unrecorded,
      `new golden fixtures: add these lines to the fixtures of ${RECORD_FILE} (no version bump needed ` +
        `for a new fixture):\n${unrecordedLines.join('\n')}`,
    ).toEqual([]);
    const gone = Object.keys(WIRE_RECORD.fixtures).filter((name) => !(name in digests));
    expect(
      gone,
      `recorded golden fixtures no longer exist: ${gone.join('; ')}. A renamed fixture keeps its digest ` +
        'under the new name; a removed one may hide a wire format change (then bump PROTOCOL_VERSION)',
    ).toEqual([]);
  });
});
