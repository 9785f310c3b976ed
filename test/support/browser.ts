import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium package (scripts/install-tools.sh installs it); Playwright never downloads a browser here. */
const CHROMIUM = process.env.S3BRIDGE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for a closed network: no first-run, sync, component or background requests that would
 * hang on refused connections; no sandbox (the tests run as root); no QUIC, no GPU.
 */
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile (--user-data-dir), removed on close. */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run \`bash scripts/install-tools.sh browser\` (apt-get install -y chromium) as root`);
  const profile = mkdtempSync(path.join(os.tmpdir(), 's3bridge-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 860 },
  });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context, page,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Reloads `page` until `ready` holds (visibility, queries and the ledger catch up), or fails naming `what`. */
export async function reloadUntil(page: Page, ready: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} on ${page.url()}:\n${(await page.textContent('main').catch(() => '')) ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 750));
    await page.reload();
  }
}
