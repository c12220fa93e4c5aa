/**
 * The service side of the MQTT `cmd` contract, reduced to what the scenarios use,
 * over real case sessions. The real one belongs to the MQTT uplink (another branch);
 * this stand-in lets the simulator's side of the contract be tested here.
 */
import mqtt from 'mqtt';
import type { CaseSessions } from '../../../src/recording/case-sessions.js';
import { errorMessage, isCasecamError } from '../../../src/core/errors.js';

export async function startCmdResponder(broker: string, deviceId: string, sessions: CaseSessions) {
  const client = await mqtt.connectAsync(broker, { protocolVersion: 4 });
  const root = `casecam/${deviceId}`;
  const received: Array<Record<string, unknown>> = [];
  client.on('message', (_t, payload) => {
    const cmd = JSON.parse(payload.toString('utf8')) as Record<string, unknown> & { requestId: string; action: string };
    received.push(cmd);
    const caseId = cmd.caseId as string | undefined;
    const act = async (): Promise<unknown> => {
      switch (cmd.action) {
        case 'application.accepted':
        case 'investigation.started':
          return sessions.open({ caseId, trigger: cmd.action, source: 'mqtt', note: cmd.note as string | undefined });
        case 'marker':
          return sessions.marker({ caseId, type: typeof cmd.type === 'string' ? cmd.type : 'marker', note: cmd.note as string | undefined, source: 'mqtt' });
        case 'documents.served':
          return sessions.close({ caseId, trigger: 'documents.served', source: 'mqtt', documents: cmd.documents as string[] | undefined });
        case 'state.get':
          return { caseIds: sessions.openCases().map((c) => c.id) };
        default:
          throw new Error(`unknown action ${cmd.action}`);
      }
    };
    act().then(
      (result) => client.publish(`${root}/cmd/reply`, JSON.stringify({ requestId: cmd.requestId, ok: true, result }), { qos: 1 }),
      (err: unknown) =>
        client.publish(`${root}/cmd/reply`, JSON.stringify({ requestId: cmd.requestId, ok: false, error: { code: isCasecamError(err) ? err.code : 'error', message: errorMessage(err) } }), { qos: 1 }),
    );
  });
  await client.subscribeAsync(`${root}/cmd`, { qos: 1 });
  return { received, stop: () => client.endAsync() };
}
