import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { ENDPOINT_REFUSED, READ_LIMIT_EXCEEDED } from '../workflow-safe/failure-types';

/**
 * One DuckDB instance's use of the egress gate: its proxy user name, what it has read (a sample's
 * instance may read only so much, whatever the server sends) and what the gate refused it. DuckDB
 * words a refused CONNECT as "Proxy connection failed" and may retry a cut transfer; the session
 * keeps the real reason, which the instance's owner turns into the failure (`failure()`).
 */
export class EgressSession {
  readonly id = randomUUID();
  private readBudget: number | undefined;
  private read = 0;
  private refused: { type: string; message: string } | undefined;

  constructor(private readonly sessions: Map<string, EgressSession>) {
    sessions.set(this.id, this);
  }

  /** At most `bytes` may come back through the gate over the instance's life (samples, probes). */
  limitReads(bytes: number): void {
    this.readBudget = bytes;
  }

  /** Whether the instance reads within a budget (the proxy then checks each answer's declared length too). */
  get limited(): boolean {
    return this.readBudget !== undefined;
  }

  /** Counts bytes that came back; false once the budget is spent (the gate then cuts the transfer). */
  received(bytes: number, host: string): boolean {
    this.read += bytes;
    return this.withinBudget(this.read, host);
  }

  /** An answer's declared body length, before its body: false when it alone would spend the budget (cut at once). */
  declared(bytes: number, host: string): boolean {
    return this.withinBudget(this.read + bytes, host);
  }

  private withinBudget(total: number, host: string): boolean {
    if (this.readBudget === undefined || total <= this.readBudget) return true;
    this.record(READ_LIMIT_EXCEEDED, `read more than ${this.readBudget} bytes from ${host} for a sample: `
      + 'the server sent more than was asked for (does it ignore Range?), so the read was stopped');
    return false;
  }

  /** Records a refusal by the gate (the first reason is kept). */
  refuse(message: string): void {
    this.record(ENDPOINT_REFUSED, message);
  }

  private record(type: string, message: string): void {
    this.refused ??= { type, message };
  }

  /** What the gate refused this instance, as the non-retryable failure to raise; undefined when nothing was. */
  failure(): ApplicationFailure | undefined {
    return this.refused && ApplicationFailure.create({ type: this.refused.type, nonRetryable: true, message: this.refused.message });
  }

  close(): void {
    this.sessions.delete(this.id);
  }
}
