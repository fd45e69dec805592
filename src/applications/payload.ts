import { canonicalJson } from '../platform/canonical-json.js';

/** The exact bytes an applicant (and each party who consents) signs: the RFC 8785 canonical JSON of {service, data}. */
export function signedPayload(service: string, data: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson({ service, data }));
}
