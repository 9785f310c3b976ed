/**
 * A short, stable hash of name parts (FNV-1a, 2 x 32 bits, as 12 hex digits), pure JS so
 * workflows can use it: it keeps names distinct where plain concatenation would not be.
 */
export function nameHash(...parts: string[]): string {
  const text = JSON.stringify(parts);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193 + 2) >>> 0;
  }
  return (a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0')).slice(0, 12);
}
