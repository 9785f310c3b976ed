import { isIP } from 'node:net';

/** Where the console listens and who may use it (see docs/console.md, "Who may use it"). */
export interface ConsoleSettings {
  /** The address to bind: loopback by default. */
  host: string;
  port: number;
  /** Required of every request when the console is bound to another address (unless a proxy header is trusted). */
  token?: string;
  /** A header a reverse proxy sets after it authenticated the user (e.g. X-Forwarded-User): requests without it are refused. */
  trustedHeader?: string;
  /** Host names the console answers to besides its own address (a name behind a proxy); others are refused. */
  allowedHosts: string[];
}

const DEFAULT_CONSOLE_PORT = 8234;

/** Whether an address is the machine's own (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/** The console's settings from the environment (S3BRIDGE_CONSOLE_*), overridden by the command's options. */
export function consoleSettings(env: NodeJS.ProcessEnv, options: { host?: string; port?: string | number; trustedHeader?: string } = {}): ConsoleSettings {
  const portText = String(options.port ?? env.S3BRIDGE_CONSOLE_PORT ?? DEFAULT_CONSOLE_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new ConsoleSettingsError(`console port ${portText}: expected a whole number from 0 to 65535`);
  const token = env.S3BRIDGE_CONSOLE_TOKEN || undefined;
  if (token !== undefined && token.length < 16) {
    throw new ConsoleSettingsError('S3BRIDGE_CONSOLE_TOKEN is shorter than 16 characters: use a long random value, e.g. `openssl rand -hex 24`');
  }
  const trustedHeader = options.trustedHeader ?? (env.S3BRIDGE_CONSOLE_TRUSTED_HEADER || undefined);
  const settings: ConsoleSettings = {
    host: options.host ?? env.S3BRIDGE_CONSOLE_HOST ?? '127.0.0.1',
    port,
    ...(token ? { token } : {}),
    ...(trustedHeader ? { trustedHeader: trustedHeader.toLowerCase() } : {}),
    allowedHosts: (env.S3BRIDGE_CONSOLE_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
  };
  if (!isLoopback(settings.host) && !settings.token && !settings.trustedHeader) {
    throw new ConsoleSettingsError(`the console is bound to ${settings.host}, reachable from other machines, without a token: `
      + 'set S3BRIDGE_CONSOLE_TOKEN (a long random value; users sign in with it), or S3BRIDGE_CONSOLE_TRUSTED_HEADER '
      + '(--trust-proxy-header) to the header your authenticating reverse proxy sets, or bind to 127.0.0.1');
  }
  return settings;
}

/** A console setting that cannot work: one line saying which and what to set. */
export class ConsoleSettingsError extends Error {}
