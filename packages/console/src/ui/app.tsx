import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, useSessionHooks } from './api.ts';
import { LayerBanner, TopBar } from './chrome.tsx';
import { SignIn } from './sign-in.tsx';
import type { SessionInfo } from './types.ts';
import { Workspace } from './workspace.tsx';

/** Signed out, signing in, or a session: the console never shows data without the server's word on who is looking. */
export function App() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>();

  useEffect(() => {
    api.session().then(setSession, (err) => {
      setSession(null);
      if (!(err instanceof ApiError && err.status === 401)) setNotice(`The API did not answer: ${(err as Error).message}`);
    });
  }, []);

  useSessionHooks(session?.csrfToken, () => {
    setSession(null);
    setNotice('Your session ended; sign in again.');
  });

  useEffect(() => {
    if (!session?.expiresAt) return;
    const ms = Date.parse(session.expiresAt) - Date.now();
    const timer = setTimeout(() => {
      setSession(null);
      setNotice('Your session expired; sign in again.');
    }, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    return () => clearTimeout(timer);
  }, [session?.expiresAt]);

  if (session === undefined) return <div class="splash">Socle console…</div>;
  if (session === null) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(s) => {
          setNotice(undefined);
          setSession(s);
        }}
      />
    );
  }
  const signOut = async () => {
    await api.signOut().catch(() => undefined);
    setSession(null);
    setNotice('Signed out.');
  };
  return (
    <div class="shell">
      <TopBar session={session} onSignOut={signOut} />
      <LayerBanner session={session} />
      <Workspace session={session} />
    </div>
  );
}
