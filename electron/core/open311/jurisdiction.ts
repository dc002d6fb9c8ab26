// jurisdiction_id: optional in GeoReport v2 (an endpoint serving one jurisdiction needs none), but when a client
// names one it must be this centre's — a FixMyStreet body configured for another city must not file cases here.
import { ApiError } from '../../../shared/errors.ts';
import type { Settings } from '../../../shared/model.ts';

/** The jurisdiction ids this centre answers to: the district's administrative code (321202) and any the centre
 * configured (settings open311.jurisdictionIds, e.g. the host name a FixMyStreet site was given). */
export function jurisdictionIds(adminCode: string, settings: Settings): string[] {
  const extra = settings.open311.jurisdictionIds ?? [];
  return [adminCode, ...extra].map((s) => s.trim().toLowerCase()).filter(Boolean);
}

/** Refuses a jurisdiction_id that is not this centre's (404, as the spec names it); no id is fine. */
export function requireJurisdiction(given: string | undefined, accepted: string[]): void {
  if (!given) return;
  if (!accepted.includes(given.trim().toLowerCase())) {
    throw new ApiError('NOT_FOUND', `jurisdiction_id ${given.slice(0, 40)} is not served here`, { field: 'jurisdiction_id' });
  }
}
