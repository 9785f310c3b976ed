import type { Command } from 'commander';
import { consoleSettings, ConsoleSettingsError } from '../../console/console-settings';
import { startConsole } from '../../console/start-console';
import { action } from '../action';
import { UsageError, type RegisterCommand } from '../command';

export const registerConsole: RegisterCommand = (program: Command, context) => {
  program.command('console')
    .description('serve the web console (connections, tables and their days, runs, exports and migrations) until stopped')
    .option('--host <address>', 'the address to listen on (default 127.0.0.1; another needs S3BRIDGE_CONSOLE_TOKEN or --trust-proxy-header)')
    .option('--port <port>', 'the port (default 8234; 0 picks a free one)')
    .option('--trust-proxy-header <header>', 'trust this header, set by your authenticating reverse proxy, instead of a token')
    .action(action(context, async (options: { host?: string; port?: string; trustProxyHeader?: string }) => {
      let console;
      try {
        console = consoleSettings(process.env, { host: options.host, port: options.port, trustedHeader: options.trustProxyHeader });
      } catch (error) {
        if (error instanceof ConsoleSettingsError) throw new UsageError(error.message);
        throw error;
      }
      const running = await startConsole({ client: await context.s3bridge(), settings: context.settings, console });
      context.emit({ url: running.url }, (v) => `s3bridge console: ${v.url}${console.token ? ' (sign in with S3BRIDGE_CONSOLE_TOKEN)' : ''}`);
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
      });
      await running.close();
    }));
};
