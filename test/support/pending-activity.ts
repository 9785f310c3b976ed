import type { WorkflowHandle } from '@temporalio/client';

/** Polls until `check` returns a value (every 25 ms, so a kill lands close to the moment it describes). */
export async function until<T>(check: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The attempts of each activity that ran in a workflow's history, in order. */
export async function activityAttempts(handle: WorkflowHandle, activityType?: string): Promise<number[]> {
  const history = await handle.fetchHistory();
  // Started events name no activity: their scheduled event does (a day also runs its Active check).
  const types = new Map((history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [[String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name]] : [])));
  return (history.events ?? []).flatMap((e) => {
    const started = e.activityTaskStartedEventAttributes;
    if (!started || (activityType && types.get(String(started.scheduledEventId)) !== activityType)) return [];
    return [started.attempt ?? 0];
  });
}

/** A small deterministic PRNG (mulberry32): fault positions come from fixed seeds, so a failure reproduces. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
