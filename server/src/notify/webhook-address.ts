import dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/*
 * Where webhooks may go. Only global unicast addresses are reachable; everything else (loopback, RFC 1918 private,
 * link-local with the cloud metadata address, unique-local, CGNAT, multicast, unspecified, documentation and
 * reserved ranges, IPv6 forms that carry an IPv4 address) is refused, unless WEBHOOK_ALLOW_HOSTS names the host or
 * the address. ipaddr.js keeps the table of special ranges; an IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is
 * judged as the IPv4 address it is.
 */

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * The range an IP address is in, as ipaddr.js names it (`loopback`, `private`, `linkLocal`…), `public` for global
 * unicast, or `invalid` for a string that is no IP address.
 */
export function classifyAddress(address: string): string {
  if (isIP(address) === 0) return 'invalid';
  const ip = ipaddr.process(address);
  const range = ip.range();
  if (range !== 'unicast') return range;
  // IPv6 has global unicast in 2000::/3 only; ipaddr.js calls every unnamed range unicast.
  if (ip.kind() === 'ipv6' && !ip.match(GLOBAL_UNICAST_V6)) return 'reserved';
  return 'public';
}

/** Host names and IP addresses WEBHOOK_ALLOW_HOSTS lets through, compared case-insensitively. */
export class WebhookAllowList {
  private readonly entries: Set<string>;

  constructor(entries: readonly string[]) {
    this.entries = new Set(entries.map(normalise));
  }

  /** Whether a webhook to `host` may connect to `address` (the host itself when it is an IP literal). */
  permits(host: string, address: string): boolean {
    if (this.entries.has(normalise(host)) || this.entries.has(normalise(address))) return true;
    return classifyAddress(address) === 'public';
  }
}

/** A URL's host as the socket layer takes it: IPv6 literals without their brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Why an address is refused, for the log (the record gets the fixed sentence of `refused_address`). */
export class RefusedAddressError extends Error {
  override name = 'RefusedAddressError';
  readonly code = 'EWEBHOOKREFUSED';

  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`refused to connect to ${host} (${address}, ${classifyAddress(address)})`);
  }
}

/**
 * The refusal a URL gets without any DNS: for an IP literal, whether it may be used; for a host name, null (it is
 * judged when it is resolved, on each delivery).
 */
export function refusedLiteral(url: URL, allow: WebhookAllowList): RefusedAddressError | null {
  const host = hostOf(url);
  if (isIP(host) === 0) return null;
  return allow.permits(host, host) ? null : new RefusedAddressError(host, host);
}

type Resolve = (
  host: string,
  callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

const systemResolve: Resolve = (host, callback) => dns.lookup(host, { all: true, verbatim: true }, callback);

/**
 * A `lookup` for http.request that resolves the host and refuses it when any of its addresses may not be used, so
 * the address checked is the address the socket connects to (a second resolution cannot bring a private one in).
 * It answers both ways Node asks: one address, or all of them (with autoSelectFamily).
 */
export function guardedLookup(allow: WebhookAllowList, resolve: Resolve = systemResolve): LookupFunction {
  return (host, options, callback) => {
    const family = familyOf(options.family);
    resolve(host, (err, addresses) => {
      if (err) return callback(err, '');
      const refused = addresses.find((a) => !allow.permits(host, a.address));
      if (refused) return callback(new RefusedAddressError(host, refused.address), '');
      const usable = family === 0 ? addresses : addresses.filter((a) => a.family === family);
      const first = usable[0];
      if (!first) {
        const missing: NodeJS.ErrnoException = new Error(`no address for ${host}`);
        missing.code = 'ENOTFOUND';
        return callback(missing, '');
      }
      if (options.all) return callback(null, usable);
      return callback(null, first.address, first.family);
    });
  };
}

function normalise(hostOrAddress: string): string {
  const bare = hostOrAddress
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) === 0 ? bare : ipaddr.process(bare).toNormalizedString();
}

function familyOf(family: dns.LookupOptions['family']): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}
