import ipaddr from "ipaddr.js";

/**
 * Which IP addresses an outbound call to a merchant-typed URL may connect to. The classification is
 * ipaddr.js's (IANA special-purpose registries for IPv4 and IPv6); IPv4-mapped IPv6 (`::ffff:a.b.c.d`)
 * is judged as the IPv4 address it carries. Only plain global unicast passes: loopback, private (RFC
 * 1918, IPv6 unique-local), link-local (incl. the 169.254.169.254 metadata address), CGNAT (incl.
 * 100.100.100.200), multicast, broadcast, unspecified, reserved/documentation ranges, NAT64/6to4/Teredo
 * (they embed an IPv4 address we would have to judge again) all fail.
 */

/** The deprecated IPv4-compatible block `::a.b.c.d`, which ipaddr.js files under unicast. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR("::/96");

/** Why the address is refused, or null when it is a public unicast address. */
export function refusedAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return "not an IP address";
  const ip = ipaddr.process(address);
  const range = ip.range();
  if (range !== "unicast") return range;
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).match(IPV4_COMPATIBLE as [ipaddr.IPv6, number])) return "ipv4Compatible";
  return null;
}
