import type { CliCommand } from '../command';
import { checkSetupCommand } from './check-setup';

/** Every CLI command; add a new one here. */
export const commands: CliCommand[] = [checkSetupCommand];
