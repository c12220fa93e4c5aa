/**
 * Scripted scenarios for `casecam simulate`: the commands a counter day or a patrol
 * sends to a running service over its MQTT `cmd` topic. Timing is a parameter, so a
 * whole day runs in seconds in tests and at a human pace in a demonstration.
 */
export interface ScenarioStep {
  /** An action of the `cmd` contract (docs/… and /work/shared/design.md). */
  action: 'application.accepted' | 'investigation.started' | 'marker' | 'documents.served' | 'state.get';
  caseId?: string;
  type?: string;
  note?: string;
  documents?: string[];
  officerId?: string;
  /** Pause after this step before the next one. */
  waitMs: number;
}

export interface CounterScenarioOptions {
  applications: number;
  /** Pause between the steps of one application. */
  stepMs: number;
  /** Pause between two applications (the queue at the window). */
  gapMs: number;
  /** Day stamp used in the generated case and document numbers. */
  day: string;
}

/** A day at a permit window: each application accepted, asked about, registered, served. */
export function counterDay(o: CounterScenarioOptions): ScenarioStep[] {
  const steps: ScenarioStep[] = [];
  for (let n = 1; n <= o.applications; n++) {
    const caseId = `许可〔${o.day}〕${String(n).padStart(3, '0')}号`;
    steps.push(
      { action: 'application.accepted', caseId, waitMs: o.stepMs },
      { action: 'marker', caseId, type: 'inquiry', note: 'applicant questioned', waitMs: o.stepMs },
      { action: 'marker', caseId, type: 'evidence.registered', note: 'application form scanned', waitMs: o.stepMs },
      { action: 'documents.served', caseId, documents: [`DOC-${o.day}-${String(n).padStart(4, '0')}`], waitMs: o.gapMs },
    );
  }
  return steps;
}

export interface PatrolScenarioOptions {
  stepMs: number;
  caseId: string;
}

/** A patrol stop: arrive, investigate (inspection, inquiry), serve the notice, drive on. */
export function patrolStop(o: PatrolScenarioOptions): ScenarioStep[] {
  return [
    { action: 'investigation.started', caseId: o.caseId, note: 'vehicle stopped for inspection', waitMs: o.stepMs },
    { action: 'marker', caseId: o.caseId, type: 'inspection', note: 'on-site inspection of the vehicle', waitMs: o.stepMs },
    { action: 'marker', caseId: o.caseId, type: 'inquiry', note: 'driver questioned', waitMs: o.stepMs },
    { action: 'documents.served', caseId: o.caseId, documents: [`${o.caseId}-notice`], waitMs: o.stepMs },
    { action: 'state.get', waitMs: 0 },
  ];
}
