import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, type Me } from './api';

interface Session {
  /** undefined while asking the node, null when signed out */
  me: Me | null | undefined;
  demoSignIn(identifier: string): Promise<Me>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

// The API keeps the session in an HttpOnly, SameSite=Strict cookie: the portal never holds the token.
export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);

  useEffect(() => {
    let live = true;
    api<Me>('/api/v1/me').then(
      (m) => live && setMe(m),
      () => live && setMe(null),
    );
    return () => {
      live = false;
    };
  }, []);

  const demoSignIn = useCallback(async (identifier: string) => {
    await api('/api/v1/auth/demo-login', { method: 'POST', body: { identifier, role: 'citizen' } });
    const m = await api<Me>('/api/v1/me');
    setMe(m);
    return m;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api('/api/v1/auth/signout', { method: 'POST' });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e;
    }
    setMe(null);
  }, []);

  const value = useMemo(() => ({ me, demoSignIn, signOut }), [me, demoSignIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
