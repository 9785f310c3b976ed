// A test-only workflow bundle: the real workflows, with checkSetup replaced by a changed copy.
export * from '../../../workflows';
export { checkSetup } from './check-setup-changed';
