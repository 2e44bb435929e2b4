import { isIPv4, isIPv6 } from 'node:net';

/**
 * The ways one IP address is commonly written, so that erasing `2001:db8::1` also finds
 * `2001:0db8:0000:0000:0000:0000:0000:0001` and `2001:db8:0:0:0:0:0:1`, and erasing `192.0.2.7`
 * also finds its IPv4-mapped IPv6 form `::ffff:192.0.2.7` (and the reverse). Lower case; the
 * address as given comes first. Anything that is not an IP address is returned alone.
 */
export function ipSpellings(address: string): string[] {
  const ip = address.toLowerCase();
  if (isIPv4(ip)) return [ip, `::ffff:${ip}`, `::ffff:0:${ip}`];
  if (!isIPv6(ip)) return [ip];
  const groups = expandIpv6(ip);
  const spellings = new Set<string>([ip]);
  spellings.add(groups.map((g) => g.toString(16).padStart(4, '0')).join(':'));
  spellings.add(groups.map((g) => g.toString(16)).join(':'));
  spellings.add(compressIpv6(groups));
  // ::ffff:a.b.c.d is an IPv4 address in disguise: the plain IPv4 form names the same client.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const v4 = [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
    spellings.add(v4);
    spellings.add(`::ffff:${v4}`);
  }
  return [...spellings];
}

/** The eight 16-bit groups of a valid IPv6 address (with an optional dotted IPv4 tail). */
function expandIpv6(ip: string): number[] {
  let text = ip;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) > 0) {
    const octets = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    tail.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!);
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)));
  let groups: number[];
  if (rest === undefined) {
    groups = parse(head);
  } else {
    const left = parse(head);
    const right = parse(rest);
    groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  }
  if (tail.length > 0) groups.splice(6, 2, ...tail);
  return groups;
}

/** RFC 5952: the longest run of two or more zero groups (the first on a tie) becomes `::`. */
function compressIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
