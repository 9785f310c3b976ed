import { describe, expect, it } from 'vitest';
import { dayWorkflowId, importIdPrefix, importWorkflowId, migrationWorkflowId } from '../../src/workflow-safe/workflow-ids';

describe('workflow IDs', () => {
  it('name an import by connection and table, and a day after it', () => {
    expect(importWorkflowId('shop', 'events')).toBe('import-shop-events');
    expect(dayWorkflowId('shop', 'events', '2025-01-02', 't1-')).toBe('t1-import-shop-events-2025-01-02');
    expect(migrationWorkflowId('segment-out', 'segment-role')).toBe('migrate-destination-segment-out-segment-role');
  });

  it('keep two tables apart whose plain IDs would be equal (a "-" in the name, a day-like or "all" table)', () => {
    expect(importWorkflowId('a-b', 'c')).toBe('import-a-b-c');
    expect(importWorkflowId('a', 'b-c')).toMatch(/^import-a-b-c~[0-9a-f]{12}$/);
    expect(importWorkflowId('shop', 'all')).toMatch(/^import-shop-all~[0-9a-f]{12}$/);
    expect(importWorkflowId('shop', '2025')).not.toBe('import-shop-2025');
  });

  it('read back the prefix an import run was started under, whatever follows its ID', () => {
    expect(importIdPrefix('t1-import-shop-events-2025-01-02T02:00:00Z', 'shop', 'events')).toBe('t1-');
    expect(importIdPrefix('import-shop-events', 'shop', 'events')).toBe('');
  });
});
