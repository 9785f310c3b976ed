import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type { EgressGate } from './egress-gate';

type ConnectOptions = net.NetConnectOpts & { host?: string; port?: number | string };
type Created = (error: Error | null, socket?: Duplex) => void;

/**
 * Resolves and checks the target before the socket exists, then connects to the checked address
 * (a lookup that returns it), and checks the connected address once more: the AWS SDK's requests
 * meet the same gate as DuckDB's, virtual-hosted bucket names and changed DNS answers included.
 */
function gatedConnection(gate: EgressGate, options: ConnectOptions, callback: Created, connect: (options: ConnectOptions) => net.Socket): void {
  const host = options.host ?? 'localhost';
  const port = Number(options.port);
  gate.target(host, port).then(({ address, family }) => {
    const lookup = (_name: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) =>
      (opts.all ? cb(null, [{ address, family }]) : cb(null, address, family));
    const socket = connect({ ...options, lookup: lookup as net.LookupFunction });
    socket.once('connect', () => {
      const refused = gate.checkConnected(host, port, socket.remoteAddress);
      if (refused) socket.destroy(refused);
    });
    callback(null, socket);
  }, (error: Error) => callback(error));
}

/** The agent with its connections made through the gate. */
function gated<A extends http.Agent>(agent: A, gate: EgressGate): A {
  const connect = agent.createConnection.bind(agent) as (options: ConnectOptions) => net.Socket;
  Object.assign(agent, {
    createConnection(options: ConnectOptions, callback: Created): undefined {
      gatedConnection(gate, options, callback, connect);
      return undefined;
    },
  });
  return agent;
}

const agents = new WeakMap<EgressGate, { httpAgent: http.Agent; httpsAgent: https.Agent }>();

/** The gate's agents for the AWS SDK (`requestHandler: { httpAgent, httpsAgent }`), made once per gate. */
export function gatedAgents(gate: EgressGate): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  let made = agents.get(gate);
  if (!made) {
    made = {
      httpAgent: gated(new http.Agent({ keepAlive: true, maxSockets: 50 }), gate),
      httpsAgent: gated(new https.Agent({ keepAlive: true, maxSockets: 50 }), gate),
    };
    agents.set(gate, made);
  }
  return made;
}
