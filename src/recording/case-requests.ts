/** What callers (triggers, MQTT commands, the CLI) ask of the case sessions, and what a claim returns. */

export interface OpenRequest {
  caseId?: string;
  trigger: string;
  source: string;
  officerId?: string;
  kind?: string;
  note?: string;
}

export interface CloseRequest {
  caseId?: string;
  trigger: 'documents.served' | 'record.stop' | string;
  source: string;
  reason?: string;
  documents?: string[];
  by?: string;
}

export interface MarkerRequest {
  caseId?: string;
  type: string;
  note?: string;
  by?: string;
  source: string;
}

/** File the footage of a past interval [from, to) (epoch ms) under a case. */
export interface ClaimRequest {
  caseId: string;
  from: number;
  to: number;
  source: string;
  by?: string;
  reason?: string;
  /** Kind of a case this claim creates (default: the device's usual kind). */
  kind?: string;
}

/** A part of a claimed interval with no footage left on one channel. */
export interface MissingFootage {
  channel: string;
  from: number;
  to: number;
}

export interface ClaimResult {
  caseId: string;
  /** True when the case did not exist and the claim created it (closed). */
  created: boolean;
  /** Segments filed under the case by this claim (newly sealed or linked). */
  segments: number;
  /** Parts of the interval with no footage left, per channel (also recorded as gaps). */
  missing: MissingFootage[];
}

/** The longest interval one claim may file. */
export const MAX_CLAIM_MS = 24 * 3600 * 1000;
