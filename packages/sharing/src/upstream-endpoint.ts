/**
 * Where shared bundles go: a TAXII 2.1 server (`POST {apiRoot}/collections/{collection}/objects/`, the collection
 * of each bundle's destination, body a TAXII envelope) or an upper-layer Socle (`POST {url}`, body the STIX bundle).
 * Both get the detached signature headers and the destination. HTTPS is required except for loopback addresses,
 * which tests and local relays use.
 */
import {
  BUNDLE_ID_HEADER,
  DESTINATION_COLLECTION_HEADER,
  DESTINATION_ORGANIZATION_HEADER,
  SIGNATURE_HEADER,
  SIGNATURE_KEY_ID_HEADER,
  type Destination,
  type StixBundle,
} from './signed-bundle.ts';

export type UpstreamEndpoint =
  | { kind: 'taxii'; apiRoot: string; token?: string }
  | { kind: 'socle'; url: string; token?: string };

export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';

/** Thrown for an answer that will not change by retrying (a 4xx other than 408/429). */
export class RejectedByEndpoint extends Error {}

export function endpointUrl(endpoint: UpstreamEndpoint, collection: string): URL {
  const raw = endpoint.kind === 'taxii' ? `${endpoint.apiRoot.replace(/\/+$/, '')}/collections/${encodeURIComponent(collection)}/objects/` : endpoint.url;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`upstream endpoint ${raw}: not a URL`);
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error(`upstream endpoint ${raw}: shared data must be sent over https (http is allowed for 127.0.0.1 only)`);
  }
  return url;
}

/**
 * POSTs one signed bundle; resolves when the endpoint accepted every object, throws otherwise. A TAXII collection
 * gets the envelope `{objects}` and the bundle id in `Socle-Bundle-Id`, so the receiver can rebuild the signed bundle.
 */
export async function postSigned(
  endpoint: UpstreamEndpoint,
  entry: { body: StixBundle; destination: Destination; keyId: string; signature: string },
  timeoutMs = 30_000,
): Promise<void> {
  const { body: bundle, destination, keyId, signature } = entry;
  const body = endpoint.kind === 'taxii' ? { objects: bundle.objects } : bundle;
  const url = endpointUrl(endpoint, destination.collection);
  const mediaType = endpoint.kind === 'taxii' ? TAXII_MEDIA_TYPE : 'application/json';
  const headers: Record<string, string> = {
    'content-type': mediaType,
    accept: mediaType,
    [SIGNATURE_KEY_ID_HEADER]: keyId,
    [SIGNATURE_HEADER]: signature,
    [BUNDLE_ID_HEADER]: bundle.id,
    [DESTINATION_COLLECTION_HEADER]: destination.collection,
    [DESTINATION_ORGANIZATION_HEADER]: destination.organization,
  };
  if (endpoint.token) headers['authorization'] = `Bearer ${endpoint.token}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  if (!response.ok) {
    const message = `${url.href}: HTTP ${response.status} ${text.slice(0, 200)}`;
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) throw new RejectedByEndpoint(message);
    throw new Error(message);
  }
  if (endpoint.kind === 'taxii') {
    const status = JSON.parse(text) as { failure_count?: number; pending_count?: number; failures?: { id: string; message?: string }[] };
    if ((status.failure_count ?? 0) > 0) {
      throw new RejectedByEndpoint(`${url.href}: ${status.failure_count} object(s) refused: ${(status.failures ?? []).map((f) => `${f.id} ${f.message ?? ''}`).join('; ')}`);
    }
  }
}
