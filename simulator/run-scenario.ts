/** Plays scenario steps through the MQTT commander and keeps a record of every reply. */
import type { MqttCommander, CmdReply } from './mqtt-commander.js';
import type { ScenarioStep } from './scenarios.js';

export interface StepResult {
  action: string;
  caseId?: string;
  ok: boolean;
  error?: unknown;
  ms: number;
}

export interface ScenarioReport {
  steps: number;
  ok: number;
  failed: number;
  cases: string[];
  results: StepResult[];
  lastState?: unknown;
}

export async function runScenario(commander: Pick<MqttCommander, 'send'>, steps: ScenarioStep[], opts: { onStep?: (r: StepResult) => void; shouldStop?: () => boolean } = {}): Promise<ScenarioReport> {
  const report: ScenarioReport = { steps: 0, ok: 0, failed: 0, cases: [], results: [] };
  for (const step of steps) {
    if (opts.shouldStop?.()) break;
    const { waitMs, action, ...fields } = step;
    const t0 = Date.now();
    const reply: CmdReply = await commander.send(action, fields);
    const result: StepResult = { action, caseId: step.caseId, ok: reply.ok, error: reply.ok ? undefined : reply.error, ms: Date.now() - t0 };
    report.steps++;
    if (reply.ok) report.ok++;
    else report.failed++;
    if (reply.ok && action === 'documents.served' && step.caseId) report.cases.push(step.caseId);
    if (action === 'state.get' && reply.ok) report.lastState = reply.result;
    report.results.push(result);
    opts.onStep?.(result);
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
  }
  return report;
}
