import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { isLoopback, type ConsoleSettings } from './console-settings';

const SESSION_COOKIE = 's3bridge_console';

/** The cookie a signed-in browser holds: derived from the token, so the token itself is never stored in the browser. */
function sessionValue(token: string): string {
  return createHmac('sha256', token).update('s3bridge console session').digest('hex');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The host name of a Host header (`127.0.0.1:8234`, `[::1]:8234`, `console.example.com`). */
function hostName(header: string | undefined): string {
  if (!header) return '';
  const match = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(header.trim().toLowerCase());
  return match?.[1] ?? '';
}

/**
 * Who may use the console:
 * - Host: only the console's own names. On loopback without a token this is what stops a web
 *   page that re-points its own domain at 127.0.0.1 (DNS rebinding) from reading the console.
 * - A trusted reverse-proxy header: every request must carry it (the proxy authenticated the user).
 * - A token: `Authorization: Bearer <token>`, or the session cookie set by signing in at /login.
 * - Neither (only allowed on loopback): anyone who can reach the loopback address.
 */
export function accessControl(settings: ConsoleSettings): MiddlewareHandler {
  const loopbackOnly = isLoopback(settings.host);
  return async (c, next) => {
    const host = hostName(c.req.header('host'));
    const allowed = settings.allowedHosts.includes(host) || (loopbackOnly ? isLoopback(host) : true);
    if (!allowed) return c.text(`refused: this console answers to its own address, not to "${host}" (S3BRIDGE_CONSOLE_ALLOWED_HOSTS adds names)`, 421);
    if (settings.trustedHeader) {
      if (!c.req.header(settings.trustedHeader)) return c.text(`refused: no ${settings.trustedHeader} header; sign in through the reverse proxy`, 401);
      return next();
    }
    if (!settings.token || c.req.path === '/login' || c.req.path === '/console.css') return next();
    const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const cookie = getCookie(c, SESSION_COOKIE);
    if ((bearer !== undefined && same(bearer, settings.token)) || (cookie !== undefined && same(cookie, sessionValue(settings.token)))) return next();
    if (c.req.method === 'GET') return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
    return c.text('refused: sign in first (/login), or send Authorization: Bearer <token>', 401);
  };
}

/** Checks a token typed at /login; on success sets the session cookie (HttpOnly, SameSite=Strict). */
export function signIn(c: Context, settings: ConsoleSettings, typed: string): boolean {
  if (!settings.token || !same(typed, settings.token)) return false;
  setCookie(c, SESSION_COOKIE, sessionValue(settings.token), {
    httpOnly: true, sameSite: 'Strict', path: '/', secure: new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https',
  });
  return true;
}

/** Where to go after signing in: a path of this console only. */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?!\/)[\w\-./~%]*$/.test(next) ? next : '/';
}
