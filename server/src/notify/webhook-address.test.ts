import type { LookupAddress, LookupOptions } from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  RefusedAddressError,
  WebhookAllowList,
  classifyAddress,
  guardedLookup,
  hostOf,
  refusedLiteral,
} from './webhook-address.js';

const NONE = new WebhookAllowList([]);

/** Runs a guarded lookup against a fixed answer, the way Node's socket layer calls it; never touches DNS. */
function lookUp(
  allow: WebhookAllowList,
  answer: LookupAddress[],
  options: LookupOptions = {},
): Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number | undefined }> {
  const lookup = guardedLookup(allow, (_host, callback) => callback(null, answer));
  return new Promise((resolve) =>
    lookup('hooks.example', options, (err, address, family) => resolve({ err, address, family })),
  );
}

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['169.254.0.1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456:789a::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['64:ff9b::a00:1', 'rfc6052'],
    ['2001::1', 'teredo'],
    ['::ffff:0:a00:1', 'rfc6145'],
  ])('%s is %s', (address, range) => {
    expect(classifyAddress(address)).toBe(range);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::ffff:7f00:1', 'loopback'],
  ])('judges the IPv4-mapped %s as the IPv4 address it carries (%s)', (address, range) => {
    expect(classifyAddress(address)).toBe(range);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '::ffff:8.8.8.8', '2606:4700::1111'])(
    '%s is public',
    (address) => {
      expect(classifyAddress(address)).toBe('public');
    },
  );

  it('calls IPv6 outside 2000::/3 reserved, though no special range names it', () => {
    expect(classifyAddress('4000::1')).toBe('reserved');
  });

  it.each(['', 'localhost', '256.0.0.1', '1.2.3', 'hooks.example.com', '[::1]'])('%j is no address', (text) => {
    expect(classifyAddress(text)).toBe('invalid');
  });
});

describe('WebhookAllowList', () => {
  it('lets public addresses through and nothing else', () => {
    expect(NONE.permits('hooks.example', '93.184.216.34')).toBe(true);
    expect(NONE.permits('hooks.example', '10.0.0.1')).toBe(false);
    expect(NONE.permits('localhost', '127.0.0.1')).toBe(false);
  });

  it('lets through a host it names, at whatever address that host has', () => {
    const allow = new WebhookAllowList(['Hooks.Internal']);
    expect(allow.permits('hooks.internal', '10.0.0.1')).toBe(true);
    expect(allow.permits('HOOKS.INTERNAL', '::1')).toBe(true);
    expect(allow.permits('other.internal', '10.0.0.1')).toBe(false);
  });

  it('lets through an address it names, however it is written, and no other', () => {
    const allow = new WebhookAllowList(['127.0.0.1', '::1']);
    expect(allow.permits('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(allow.permits('localhost', '::ffff:127.0.0.1')).toBe(true);
    expect(allow.permits('localhost', '0:0:0:0:0:0:0:1')).toBe(true);
    expect(allow.permits('127.0.0.2', '127.0.0.2')).toBe(false);
  });
});

describe('refusedLiteral', () => {
  it.each([
    'http://127.0.0.1:8080/hook',
    'http://10.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'https://[::1]/hook',
    'http://[::ffff:192.168.0.1]/hook',
    'http://[fd00::1]/',
    // WHATWG URLs normalise these spellings to 127.0.0.1 and 10.0.0.1 before anything sees the host.
    'http://2130706433/',
    'http://0x0a.0.0.1/',
    'http://017700000001/',
  ])('refuses %s without resolving anything', (raw) => {
    expect(refusedLiteral(new URL(raw), NONE)).toBeInstanceOf(RefusedAddressError);
  });

  it('leaves host names to the lookup, and lets public and allowed literals through', () => {
    expect(refusedLiteral(new URL('http://localhost:9/'), NONE)).toBeNull();
    expect(refusedLiteral(new URL('https://hooks.example.com/'), NONE)).toBeNull();
    expect(refusedLiteral(new URL('https://93.184.216.34/'), NONE)).toBeNull();
    expect(refusedLiteral(new URL('http://127.0.0.1:9/'), new WebhookAllowList(['127.0.0.1']))).toBeNull();
  });

  it('reads IPv6 hosts without their brackets', () => {
    expect(hostOf(new URL('http://[::1]:8080/'))).toBe('::1');
    expect(hostOf(new URL('http://Hooks.Example:8080/'))).toBe('hooks.example');
  });
});

describe('guardedLookup', () => {
  const publicV4 = { address: '93.184.216.34', family: 4 };
  const publicV6 = { address: '2606:4700::1111', family: 6 };

  it('answers one address when asked for one', async () => {
    expect(await lookUp(NONE, [publicV4, publicV6])).toEqual({ err: null, address: '93.184.216.34', family: 4 });
  });

  it('answers every address when asked for all (autoSelectFamily)', async () => {
    const { err, address } = await lookUp(NONE, [publicV4, publicV6], { all: true });
    expect(err).toBeNull();
    expect(address).toEqual([publicV4, publicV6]);
  });

  it('keeps to the family asked for', async () => {
    expect(await lookUp(NONE, [publicV4, publicV6], { family: 6 })).toEqual({
      err: null,
      address: '2606:4700::1111',
      family: 6,
    });
    const { err } = await lookUp(NONE, [publicV4], { family: 6 });
    expect(err?.code).toBe('ENOTFOUND');
  });

  it.each([
    [[{ address: '10.0.0.1', family: 4 }]],
    [[{ address: '169.254.169.254', family: 4 }]],
    [[{ address: '127.0.0.1', family: 4 }]],
    [[{ address: '::1', family: 6 }]],
    // One private address among public ones is enough: the socket could pick it.
    [[publicV4, { address: '192.168.0.10', family: 4 }]],
  ])('refuses a host that resolves to %j, before any socket exists', async (answer) => {
    const { err, address } = await lookUp(NONE, answer, { all: true });
    expect(err).toBeInstanceOf(RefusedAddressError);
    expect(err?.code).toBe('EWEBHOOKREFUSED');
    expect(address).toBe('');
  });

  it('lets an allowed host through at a private address', async () => {
    const allow = new WebhookAllowList(['hooks.example']);
    expect(await lookUp(allow, [{ address: '10.0.0.1', family: 4 }])).toEqual({
      err: null,
      address: '10.0.0.1',
      family: 4,
    });
  });

  it('passes a resolution failure on as it is', async () => {
    const failure: NodeJS.ErrnoException = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    const lookup = guardedLookup(NONE, (_host, callback) => callback(failure, []));
    const err = await new Promise((resolve) => lookup('nowhere.example', {}, (e) => resolve(e)));
    expect(err).toBe(failure);
  });
});
