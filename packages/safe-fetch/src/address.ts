import ipaddr from 'ipaddr.js';

/**
 * Whether an IP address may be fetched on a user's behalf: public unicast only. Everything else
 * reaches something other than "the internet" — this machine, its network, the cloud's metadata
 * service (169.254.169.254), a multicast group — or hides such an address inside an IPv6 one.
 * Returns why not, or undefined when the address is fine.
 */
export function addressProblem(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let ip = ipaddr.parse(address);
  // An IPv4-mapped address (::ffff:a.b.c.d) is the IPv4 address itself: judge that.
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  if (ip.kind() === 'ipv4') return range === 'unicast' ? undefined : `${range} address`;
  // IPv6: only global unicast (2000::/3) outside every special block. This refuses loopback,
  // unique-local, link-local, multicast, and the forms that embed an IPv4 address and could route
  // to a private one: IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96), 6to4, Teredo, SIIT.
  if (range !== 'unicast') return `${range} address`;
  if (!ip.match(ipaddr.parseCIDR('2000::/3'))) return 'non-global IPv6 address';
  return undefined;
}
