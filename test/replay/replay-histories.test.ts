import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import * as workflows from '../../workflows';
import { findSecrets, knownSecrets } from '../support/history-payloads';
import { historyFromJson, type HistoryFile } from '../support/history-json';

Runtime.install({ logger: new DefaultLogger('WARN') });
const HISTORIES_DIR = path.resolve(__dirname, '../histories');
const quiet = { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} };

/** Every committed history: file name, workflow ID and type, and the history proto. */
function committedHistories() {
  return readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json')).sort().map((file) => {
    const saved = JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as HistoryFile;
    return { name: file.replace(/\.json$/, ''), workflowId: saved.workflowId, type: saved.workflowType, history: historyFromJson(saved.history) };
  });
}

async function replayAll(bundleCode: string) {
  const committed = committedHistories();
  const results: { name: string; error?: Error }[] = [];
  const histories = committed.map(({ workflowId, history }) => ({ workflowId, history }));
  // Results come in the order given; a workflow ID can appear more than once (a continue-as-new chain).
  for await (const result of Worker.runReplayHistories({ workflowBundle: { code: bundleCode } }, histories)) {
    results.push({ name: committed[results.length]!.name, error: result.error });
  }
  return results;
}

describe('committed histories (test/histories, recorded by npm run histories:record)', () => {
  it('cover every workflow type the worker registers', () => {
    const types = new Set(committedHistories().map((h) => h.type));
    // A new workflow (export, migration...) needs its histories recorded before it ships.
    expect(Object.keys(workflows).filter((name) => !types.has(name))).toEqual([]);
  });

  it('replay deterministically against the current workflow code', async () => {
    const results = await replayAll(readFileSync(inject('workflowBundlePath'), 'utf8'));
    expect(results.length).toBe(committedHistories().length);
    expect(results.filter((r) => r.error).map((r) => `${r.name}: ${r.error!.message}`)).toEqual([]);
  });

  it('fail to replay against a changed workflow (a timer added to checkSetup) with a determinism error', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, 'changed-workflows/index.ts'), logger: quiet });
    const results = await replayAll(code);
    const failed = results.filter((r) => r.error);
    // Only checkSetup's histories that got past input parsing schedule an activity the changed code now precedes with a timer.
    expect(failed.map((r) => r.name)).toEqual(['check-setup']);
    expect(failed[0]!.error!.name).toBe('DeterminismViolationError');
    expect(failed[0]!.error!.message).toMatch(/[Nn]ondeterminism/);
  });

  it('are scanned decoded: a value only inside payloads is found, though the JSON form hides it in base64', async () => {
    const { history } = committedHistories().find((h) => h.name === 'check-setup')!;
    const sampleKey = 'events/date=2025-01-01/part-0.parquet';
    expect(JSON.stringify(history)).not.toContain(sampleKey);
    const hits = await findSecrets(history, [sampleKey]);
    // The workflow result, and the checkSetup activity's input and result.
    expect(hits.length).toBeGreaterThanOrEqual(2);
    expect(hits.every((hit) => hit.startsWith('history.events.'))).toBe(true);
  });

  it('hold no secret value, with every payload decoded', async () => {
    for (const { name, history } of committedHistories()) {
      expect(await findSecrets(history, knownSecrets()), name).toEqual([]);
    }
  });
});
