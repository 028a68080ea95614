import type { SessionInfo } from './types.ts';
import { formatRemaining, formatTime } from './time.ts';

export const LAYER_NAMES: Record<number, string> = { 1: 'On-site', 2: 'SOC', 3: 'Auditor', 4: 'National' };

/** Who is looking, always in view: layer, role, organisations, token and session expiry. */
export function TopBar({ session, onSignOut }: { session: SessionInfo; onSignOut: () => void }) {
  const p = session.principal;
  return (
    <header class="topbar">
      <a class="brand" href="/ui/">
        <span class="logo">◆</span> Socle
      </a>
      <div class="who" data-testid="principal">
        {p ? (
          <>
            <span class={`layer-chip layer-${p.layer}`} data-testid="layer">
              Layer {p.layer} · {LAYER_NAMES[p.layer]}
            </span>
            <span class="kv">
              <span class="k">role</span> {p.role}
            </span>
            <span class="kv">
              <span class="k">orgs</span> <span data-testid="orgs">{p.organizations.length ? p.organizations.join(', ') : 'all shared'}</span>
            </span>
            <span class="kv" title={`token ${p.tokenId}`}>
              <span class="k">token</span> {p.tokenId.slice(0, 8)}…
            </span>
            {session.expiresAt && (
              <span class="kv" title={`session ends ${formatTime(session.expiresAt)} UTC; token expires ${formatTime(p.expiresAt)} UTC`} data-testid="expiry">
                <span class="k">session</span> ends {formatRemaining(session.expiresAt, Date.now())}
              </span>
            )}
            {p.readOnly && <span class="ro-chip">read-only</span>}
          </>
        ) : (
          <span class="kv">laptop mode · single organisation · unauthenticated on 127.0.0.1</span>
        )}
      </div>
      {session.mode === 'token' && (
        <button class="ghost" onClick={onSignOut} data-testid="sign-out">
          Sign out
        </button>
      )}
    </header>
  );
}

/** Layer 3 and layer 4 see what their access is, every time. */
export function LayerBanner({ session }: { session: SessionInfo }) {
  const p = session.principal;
  if (p?.layer === 3) {
    return (
      <div class="banner auditor" role="status" data-testid="auditor-banner">
        Independent assessment: read-only access that expires {formatTime(p.expiresAt)} UTC ({formatRemaining(p.expiresAt, Date.now())}). Every read is recorded in
        the access audit trail.
      </div>
    );
  }
  if (p?.layer === 4) {
    return (
      <div class="banner national" role="status" data-testid="national-banner">
        National monitoring: only alerts shared upward, redacted by each organisation's policy and marked with their TLP. Raw events and triage are not
        shared.
      </div>
    );
  }
  return null;
}
