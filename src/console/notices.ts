import { randomBytes } from 'node:crypto';
import type { Notice } from './pages/page-parts';

const KEEP_MS = 5 * 60_000;

/**
 * Messages after an action, shown once on the page the action redirects to (Post/Redirect/Get):
 * the redirect carries a random ID, never the text, so a link cannot put words on the console.
 */
export class Notices {
  private readonly notices = new Map<string, { notice: Notice; at: number }>();

  add(notice: Notice): string {
    const now = Date.now();
    for (const [id, entry] of this.notices) if (now - entry.at > KEEP_MS) this.notices.delete(id);
    const id = randomBytes(8).toString('hex');
    this.notices.set(id, { notice, at: now });
    return id;
  }

  take(id: string | undefined): Notice | undefined {
    if (!id) return undefined;
    const entry = this.notices.get(id);
    this.notices.delete(id);
    return entry?.notice;
  }
}
