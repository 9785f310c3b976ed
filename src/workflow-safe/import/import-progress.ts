/** A running import's progress, returned by the `importProgress` query (the CLI's live line). */
export interface ImportProgress {
  phase: 'planning' | 'loading' | 'done';
  connection: string;
  table: string;
  /** Days (units) the plan loads in this run; skipped ones are counted apart. */
  daysToLoad: number;
  daysDone: number;
  daysLoaded: number;
  daysFailed: number;
  daysSkipped: number;
  /** The days loading right now. */
  running: string[];
  /** Rows, rejected rows, files and bytes of the days done so far. */
  rows: number;
  rejectedRows: number;
  files: number;
  bytes: number;
}
