import { temporal } from '@temporalio/proto';

const History = temporal.api.history.v1.History;

/**
 * History <-> JSON for the committed replay histories. The SDK's historyToJSON/historyFromJSON
 * (@temporalio/common/lib/proto-utils) throw "type must be a Type" in this install: protobufjs 8
 * is installed twice (under @temporalio/common and @temporalio/proto), so the JSON extension of one
 * copy refuses the other's types. The proto classes' own toObject/fromObject use one copy: int64 as
 * strings, enums by name, bytes in base64, as in Temporal's JSON (timestamps stay {seconds, nanos}).
 */
export function historyToJson(history: temporal.api.history.v1.IHistory): Record<string, unknown> {
  return History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String });
}

export function historyFromJson(json: Record<string, unknown>): temporal.api.history.v1.History {
  return History.fromObject(json);
}

/**
 * A committed history file: the workflow ID travels with the history because replay needs it
 * (importTable derives its days' IDs from its own ID) and the history itself does not carry it.
 */
export interface HistoryFile {
  workflowId: string;
  workflowType: string;
  history: Record<string, unknown>;
}
