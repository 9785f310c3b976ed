import { ENVIRONMENT_VARIABLES, type EnvironmentVariable } from '../config/environment-variables';
import { GENERATED_NOTE, tableCell } from './markdown';

/** docs/reference/settings.md: every environment variable, its default and meaning, by group. */
export function settingsReference(): string {
  const lines = [
    GENERATED_NOTE('src/config/environment-variables.ts'),
    '',
    '# Settings',
    '',
    'The worker, the CLI and the scripts read these environment variables. `scripts/with-env.sh` (used by',
    '`npm run worker`, `npm run cli` and the demo) sets the local services\' values unless you set them yourself.',
  ];
  for (const group of ENVIRONMENT_VARIABLES) {
    lines.push('', `## ${group.title}`, '', `Read by ${group.readBy}.`, '', '| variable | default | meaning |', '|---|---|---|');
    for (const variable of group.variables as readonly EnvironmentVariable[]) {
      const fallback = variable.default !== undefined ? `\`${variable.default}\`` : variable.unset ?? '';
      lines.push(`| \`${variable.name}\` | ${tableCell(fallback)} | ${tableCell(variable.meaning)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
