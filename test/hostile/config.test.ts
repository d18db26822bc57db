import { describe, expect, it } from 'vitest';
import { handshake, httpGet } from './attackers.js';
import { expectMainUnharmed, hostileSuite, underAttack } from './harness.js';

/*
 * Issue #12, rows 10 and 11: an allow-list written as a string means exactly that origin, and the
 * static files of a server on loopback answer only to the names it serves (no DNS rebinding).
 */

const suite = hostileSuite();
const ALLOWED = 'https://app.example.com';

describe('hostile: configuration (rows 10, 11)', () => {
  it("row 10: allowedOrigins: 'https://app.example.com' refuses https://app.example.co and h (403), accepts itself", async () => {
    const target = await suite.start({ server: { allowedOrigins: ALLOWED } });
    const report = await underAttack(target, async () => {
      const outcomes: Record<string, string> = {};
      for (const origin of ['https://app.example.co', 'h', ALLOWED]) {
        const result = await handshake(target.child.url, { origin });
        if ('refused' in result) outcomes[origin] = `HTTP ${result.refused}`;
        else {
          outcomes[origin] = 'open';
          result.open.socket.terminate();
        }
      }
      return outcomes;
    });
    await expectMainUnharmed(target, report);
    expect(report.result).toEqual({
      'https://app.example.co': 'HTTP 403',
      h: 'HTTP 403',
      [ALLOWED]: 'open',
    });
  });

  it('row 11: static files answer Host: attacker.example with 403 or 421, and the loopback names with 200', async () => {
    const target = await suite.start();
    const { port } = new URL(target.child.url);
    const report = await underAttack(target, async () => {
      const statusFor = async (host: string) =>
        (await httpGet(target.child.url, '/hello.txt', { host })).status;
      return {
        attacker: await statusFor('attacker.example'),
        attackerWithPort: await statusFor(`attacker.example:${port}`),
        loopback: await statusFor(`127.0.0.1:${port}`),
        localhost: await statusFor(`localhost:${port}`),
      };
    });
    await expectMainUnharmed(target, report);
    const { attacker, attackerWithPort, loopback, localhost } = report.result ?? {};
    expect.soft(attacker, 'Host: attacker.example').toBeOneOf([403, 421]);
    expect.soft(attackerWithPort, `Host: attacker.example:${port}`).toBeOneOf([403, 421]);
    expect.soft(loopback, `Host: 127.0.0.1:${port}`).toBe(200);
    expect.soft(localhost, `Host: localhost:${port}`).toBe(200);
  });
});
