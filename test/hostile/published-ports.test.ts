import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config/local-services';

/**
 * docker-compose.yml runs the local services with known passwords (Postgres, MinIO) and an
 * unauthenticated Temporal: a port published on every interface hands them to the network.
 */
describe('docker-compose.yml', () => {
  it('publishes every port on 127.0.0.1 only', () => {
    const compose = readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8');
    const published = [...compose.matchAll(/^\s*ports:\s*\[(.*)\]\s*$/gm)].flatMap((m) => m[1]!.split(',').map((p) => p.trim().replace(/^"|"$/g, '')));
    expect(published.length).toBeGreaterThanOrEqual(6);
    expect(published.filter((p) => !p.startsWith('127.0.0.1:'))).toEqual([]);
    // Every ports entry is the one-line form counted above.
    expect(compose.match(/^\s*ports:/gm)).toHaveLength(compose.match(/^\s*ports:\s*\[/gm)!.length);
  });
});
