import type { Settings } from '../src/config/settings';

/** What every activity factory is given; tests pass their own settings (data dir, task queue). */
export interface ActivityDeps {
  settings: Settings;
}
