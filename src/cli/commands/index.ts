import type { CliCommand } from '../command';
import { checkSetupCommand } from './check-setup';
import { connectionsCommand } from './connections';
import { policyCommand } from './policy';

/** Every CLI command; add a new one here. */
export const commands: CliCommand[] = [checkSetupCommand, connectionsCommand, policyCommand];
