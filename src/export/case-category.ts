/**
 * A case's storage category (the agency's "storage by category", docs/offload.md): the
 * one place that decides it, so the bundle's manifest, the object key and the retention
 * class of an upload always agree.
 *
 * - `incident` when the case was opened by, or later marked with, the `incident` command
 *   (its opening trigger or a marker of type `incident`);
 * - otherwise the case kind mapped by `offload.categories` (a kind not listed keeps its
 *   name: `permit-counter`, `roadside-investigation`, `footage-request`, …).
 */
import type { CaseRecord } from '../store/records.js';

export const INCIDENT_CATEGORY = 'incident';

export function caseCategory(c: Pick<CaseRecord, 'kind' | 'openTrigger' | 'markers'>, categories: Record<string, string> = {}): string {
  if (c.openTrigger.type === 'incident' || c.markers.some((m) => m.type === 'incident')) return INCIDENT_CATEGORY;
  return categories[c.kind] ?? c.kind;
}
