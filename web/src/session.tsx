import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ApiError, type Me, type Role } from './api';
import type { P12Key } from './areas/citizen/pkcs12';
import { challengePayload, importSigningKey, parseKeyFile, signCompact, type CertificateHolder, type KeyFile, type SigningKey } from './areas/citizen/signing';
import { useRouter } from './router';

/** The key the session signs with: whose it is, and whether it is a demo persona's (kept for this tab). */
export interface HeldKey {
  holder: CertificateHolder;
  demo: boolean;
  /** the node's JSON key file (JWS) or the citizen's own .p12/.pfx (CMS) */
  kind: 'jwk' | 'p12';
}

/** A key file as chosen: the node's JSON key file, or an opened .p12/.pfx. */
export type AnyKeyFile = KeyFile | P12Key;
const opened = (k: AnyKeyFile | SigningKey | null): k is P12Key => !!k && 'kind' in k && k.kind === 'p12';

/** What signs an application: `signature` (JWS) or `cms` (base64 DER), as POST /api/v1/applications takes them. */
export type ApplicationProof = { signature: string } | { cms: string };

interface Session {
  /** undefined while asking the node, null when signed out */
  me: Me | null | undefined;
  /**
   * Sign-in by e-signature: a challenge from the node, signed with the key file, sent with the role asked for.
   * A demo persona's key file is kept in sessionStorage (a reload keeps it); a person's own only in memory. A .p12
   * signs the nonce in CMS; its key (for authentication) is not kept for signing applications.
   */
  signInWithKey(keyFile: AnyKeyFile, role?: Role, options?: { demo?: boolean }): Promise<Me>;
  /** Sign-in with a CMS made elsewhere (NCALayer) over the nonce of a challenge the page asked for; no key is kept. */
  signInWithCms(cms: string, role?: Role): Promise<Me>;
  /** demo mode: sign in as a persona without a key (the persona chooser signs in with its key file instead) */
  demoSignIn(identifier: string, role?: Role): Promise<Me>;
  signOut(): Promise<void>;
  /** the key in hand, or null (after a reload, a person's own key file must be chosen again) */
  signingKey: HeldKey | null;
  /** keeps a key file for signing in this session (memory only): at signing time, when the key is gone */
  holdKeyFile(keyFile: AnyKeyFile): Promise<HeldKey>;
  /** lets go of the key in hand (a refused one, so that another can be chosen) */
  forgetKey(): void;
  /** a compact JWS (ES256) over the payload with the JSON key in hand; throws NoSigningKey when there is none */
  sign(payload: string): Promise<string>;
  /** an application's signature with the key in hand: a JWS, or a CMS with a .p12's key */
  signApplication(payload: string): Promise<ApplicationProof>;
  /** where the user was before coming to the sign-in page (a path of the portal), if anywhere */
  returnTo: string | null;
}

export class NoSigningKey extends Error {
  constructor() {
    super('no signing key: choose the key file');
  }
}

const SessionContext = createContext<Session | null>(null);
const DEMO_KEY = 'ortak.demoKey';

function storedDemoKey(): KeyFile | null {
  try {
    const text = window.sessionStorage.getItem(DEMO_KEY);
    return text ? parseKeyFile(text) : null;
  } catch {
    return null;
  }
}

function storeDemoKey(keyFile: KeyFile | null): void {
  try {
    if (keyFile) window.sessionStorage.setItem(DEMO_KEY, JSON.stringify(keyFile));
    else window.sessionStorage.removeItem(DEMO_KEY);
  } catch {
    // storage unavailable: the key lasts for this page only
  }
}

// The API keeps the session in an HttpOnly, SameSite=Strict cookie: the portal never holds the token. It holds the
// signing key (non-extractable after import) for signing applications.
export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [signer, setSigner] = useState<SigningKey | P12Key | null>(null);
  const [demo, setDemo] = useState(false);
  const { path, search } = useRouter();
  const [returnTo, setReturnTo] = useState<string | null>(null);
  const lastPage = useRef<string | null>(null);

  // The page before the sign-in page, so that signing in leads back to it.
  useEffect(() => {
    if (path === '/signin') setReturnTo(lastPage.current);
    else lastPage.current = `${path}${search.toString() ? `?${search}` : ''}`;
  }, [path, search]);

  useEffect(() => {
    let live = true;
    // (signed out is an answer, not a 401: nothing in the console for a visitor)
    api<{ me: Me | null }>('/api/v1/auth/session').then(
      async ({ me: m }) => {
        if (!m) {
          storeDemoKey(null);
          if (live) setMe(null);
          return;
        }
        const kept = storedDemoKey();
        if (kept) {
          try {
            const key = await importSigningKey(kept);
            // A kept demo key belongs to the session's person, or it is dropped.
            if (live && (!key.holder.identifier || key.holder.identifier === m.identifier)) {
              setSigner(key);
              setDemo(true);
            } else storeDemoKey(null);
          } catch {
            storeDemoKey(null);
          }
        }
        if (live) setMe(m);
      },
      () => {
        storeDemoKey(null);
        if (live) setMe(null);
      },
    );
    return () => {
      live = false;
    };
  }, []);

  const signInWithCms = useCallback(async (cms: string, role?: Role) => {
    await api('/api/v1/auth/signin', { method: 'POST', body: role ? { cms, role } : { cms } });
    const m = await api<Me>('/api/v1/me');
    storeDemoKey(null);
    setSigner(null);
    setDemo(false);
    setMe(m);
    return m;
  }, []);

  const signInWithKey = useCallback(async (keyFile: AnyKeyFile, role?: Role, options: { demo?: boolean } = {}) => {
    if (opened(keyFile)) {
      const { signCms } = await import('./areas/citizen/pkcs12');
      const { nonce } = await api<{ nonce: string }>('/api/v1/auth/challenge', { method: 'POST' });
      return signInWithCms(await signCms(keyFile, nonce), role);
    }
    const key = await importSigningKey(keyFile);
    const { nonce } = await api<{ nonce: string }>('/api/v1/auth/challenge', { method: 'POST' });
    const signature = await signCompact(key, challengePayload(nonce));
    await api('/api/v1/auth/signin', { method: 'POST', body: role ? { signature, role } : { signature } });
    const m = await api<Me>('/api/v1/me');
    storeDemoKey(options.demo ? keyFile : null);
    setSigner(key);
    setDemo(!!options.demo);
    setMe(m);
    return m;
  }, [signInWithCms]);

  const demoSignIn = useCallback(async (identifier: string, role: Role = 'citizen') => {
    await api('/api/v1/auth/demo-login', { method: 'POST', body: { identifier, role } });
    const m = await api<Me>('/api/v1/me');
    storeDemoKey(null);
    setSigner(null);
    setMe(m);
    return m;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api('/api/v1/auth/signout', { method: 'POST' });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) throw e;
    }
    storeDemoKey(null);
    setSigner(null);
    setDemo(false);
    setMe(null);
  }, []);

  const holdKeyFile = useCallback(async (keyFile: AnyKeyFile): Promise<HeldKey> => {
    const key = opened(keyFile) ? keyFile : await importSigningKey(keyFile);
    setSigner(key);
    setDemo(false);
    return { holder: key.holder, demo: false, kind: opened(key) ? 'p12' : 'jwk' };
  }, []);

  const forgetKey = useCallback(() => {
    storeDemoKey(null);
    setSigner(null);
    setDemo(false);
  }, []);

  const sign = useCallback(
    async (payload: string) => {
      if (!signer || opened(signer)) throw new NoSigningKey();
      return signCompact(signer, payload);
    },
    [signer],
  );

  const signApplication = useCallback(
    async (payload: string): Promise<ApplicationProof> => {
      if (!signer) throw new NoSigningKey();
      if (opened(signer)) {
        const { signCms } = await import('./areas/citizen/pkcs12');
        return { cms: await signCms(signer, payload) };
      }
      return { signature: await signCompact(signer, payload) };
    },
    [signer],
  );

  const signingKey = useMemo<HeldKey | null>(() => (signer ? { holder: signer.holder, demo, kind: opened(signer) ? 'p12' : 'jwk' } : null), [signer, demo]);

  const value = useMemo(
    () => ({ me, signInWithKey, signInWithCms, demoSignIn, signOut, signingKey, holdKeyFile, forgetKey, sign, signApplication, returnTo }),
    [me, signInWithKey, signInWithCms, demoSignIn, signOut, signingKey, holdKeyFile, forgetKey, sign, signApplication, returnTo],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
