// IP addresses compared as the socket reports them: one canonical text per address.
import { isIP } from 'node:net';

const V4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** The canonical form of an IP address (IPv4-mapped IPv6 as plain IPv4, IPv6 compressed, lower case), or undefined. */
export function canonicalAddress(raw: string): string | undefined {
  const text = raw.trim();
  const mapped = V4_MAPPED.exec(text)?.[1];
  if (mapped !== undefined) return isIP(mapped) === 4 ? mapped : undefined;
  const family = isIP(text);
  if (family === 4) return text;
  if (family !== 6) return undefined;
  if (text.includes('%')) return text.toLowerCase(); // a zone id: link-local, compared as written
  // The URL parser writes IPv6 in its one compressed form (RFC 5952), whatever form it was given in.
  const host = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  return V4_MAPPED.exec(host)?.[1] ?? host;
}

/** `10.0.0.0/8`, `2001:db8::/32` or a single address: validated, for `--trusted-proxies`. */
export function parseAddressRange(raw: string): string {
  const [address = '', prefix, extra] = raw.trim().split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) throw new Error(`"${raw}" is not an IP address or CIDR range`);
  if (prefix !== undefined) {
    const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
    if (bits < 0 || bits > (family === 4 ? 32 : 128)) throw new Error(`"${raw}" has an invalid prefix length`);
  }
  return raw.trim();
}
