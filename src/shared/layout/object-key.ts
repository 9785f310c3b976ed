/** Why a listed object is not data, or undefined when it is a data file. */
export function ignoredReason(key: string, size: number): string | undefined {
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (key.endsWith('/')) return 'folder marker';
  if (name === '_SUCCESS' || name.startsWith('_')) return 'marker file';
  if (name.startsWith('.')) return 'hidden file';
  if (name.endsWith('.crc')) return 'checksum file';
  if (size === 0) return 'zero-byte file';
  return undefined;
}

/** A Hive partition folder `key=value`, or undefined. Values are URL-decoded as Hive writes them escaped. */
export function parseHiveSegment(segment: string): { key: string; value: string } | undefined {
  const eq = segment.indexOf('=');
  if (eq <= 0) return undefined;
  const key = segment.slice(0, eq);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return undefined;
  let value = segment.slice(eq + 1);
  try {
    value = decodeURIComponent(value);
  } catch {
    // Keep the raw value when it is not valid percent-encoding.
  }
  return { key, value };
}
