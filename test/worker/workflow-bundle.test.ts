import { describe, expect, it } from 'vitest';
import { prebuiltWorkflowBundle } from '../../src/worker/workflow-bundle';

describe('the prebuilt workflow bundle a worker loads', () => {
  it('is S3BRIDGE_WORKFLOW_BUNDLE without encryption, none when unset', () => {
    expect(prebuiltWorkflowBundle({ S3BRIDGE_WORKFLOW_BUNDLE: '/b/plain.js', S3BRIDGE_WORKFLOW_BUNDLE_ENCODED: '/b/encoded.js' })).toBe('/b/plain.js');
    expect(prebuiltWorkflowBundle({})).toBeUndefined();
  });

  it('with encryption on is the encoded-failures bundle; a plain one alone is refused, naming the fix', () => {
    const key = { S3BRIDGE_CODEC_KEY: 'k' };
    expect(prebuiltWorkflowBundle({ ...key, S3BRIDGE_WORKFLOW_BUNDLE: '/b/plain.js', S3BRIDGE_WORKFLOW_BUNDLE_ENCODED: '/b/encoded.js' })).toBe('/b/encoded.js');
    expect(() => prebuiltWorkflowBundle({ ...key, S3BRIDGE_WORKFLOW_BUNDLE: '/b/plain.js' })).toThrow(/S3BRIDGE_WORKFLOW_BUNDLE_ENCODED .*--encoded-failures/);
    expect(prebuiltWorkflowBundle(key)).toBeUndefined();
  });
});
