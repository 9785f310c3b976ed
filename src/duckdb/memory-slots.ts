import { parseByteSize, type Settings } from '../config/settings';

/**
 * The worker's DuckDB memory budget as slots: each open DuckDB may use up to `memory_limit`,
 * so at most floor(budget / memory_limit) are open at once. One slot is kept for the
 * warehouse file (a load's commit needs it while the load's own instance is open).
 */
export function memorySlots(settings: Settings): number {
  const limit = parseByteSize(settings.duckdbMemoryLimit, 'S3BRIDGE_DUCKDB_MEMORY_LIMIT');
  const budget = settings.workerMemoryBudget ?? 2 * limit;
  return Math.max(1, Math.floor(budget / limit) - 1);
}

let inUse = 0;
const waiting: (() => void)[] = [];

/** Waits for a free slot (instances opened in this process share them); returns its release. */
export async function acquireMemorySlot(settings: Settings): Promise<() => void> {
  while (inUse >= memorySlots(settings)) await new Promise<void>((resolve) => waiting.push(resolve));
  inUse += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    inUse -= 1;
    waiting.shift()?.();
  };
}

/** Slots in use now (tests and the bench read it). */
export function memorySlotsInUse(): number {
  return inUse;
}
