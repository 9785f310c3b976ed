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

/** A folder whose name starts with `_` or `.` (Spark's `_temporary`, `.staging`) holds no table data. */
function inHiddenFolder(relativeKey: string): boolean {
  return relativeKey.split('/').slice(0, -1).some((d) => d.startsWith('_') || d.startsWith('.'));
}

/**
 * Why a file below a table's folder is not table data (`relativeKey` is the key without the
 * table's prefix): what ignoredReason says, or a hidden folder on the way to it.
 * Discovery and import both use it, so import never loads a file discovery left out.
 */
export function ignoredTableFileReason(relativeKey: string, size: number): string | undefined {
  return ignoredReason(relativeKey, size) ?? (inHiddenFolder(relativeKey) ? 'file in a hidden folder' : undefined);
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
