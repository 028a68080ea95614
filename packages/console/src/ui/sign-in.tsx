import { useState } from 'preact/hooks';
import { api } from './api.ts';
import type { SessionInfo } from './types.ts';

/** Exchanges an API token for a short-lived session cookie; the token itself is not kept by the page. */
export function SignIn({ notice, onSignedIn }: { notice?: string; onSignedIn: (s: SessionInfo) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await api.signIn(token.trim());
      setToken('');
      onSignedIn(session);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <form onSubmit={submit} autocomplete="off">
        <h1>
          <span class="logo">◆</span> Socle console
        </h1>
        <p class="muted">Sign in with an API token (<code>socle tokens create</code>). The token is exchanged for a session that ends before the token does.</p>
        {notice && <p class="notice">{notice}</p>}
        <label for="token">API token</label>
        <input id="token" name="token" type="password" placeholder="socle_…" value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} autofocus required />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy || !token.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
