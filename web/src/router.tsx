// A small history router: the node serves index.html for every portal page, so plain paths work on reload.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

interface Location {
  path: string;
  search: URLSearchParams;
}

interface Router extends Location {
  navigate(to: string, options?: { replace?: boolean }): void;
  /** increases on each navigation inside the portal (not on the first load) */
  navigations: number;
}

const RouterContext = createContext<Router | null>(null);

const read = (): Location => ({ path: window.location.pathname, search: new URLSearchParams(window.location.search) });

export function RouterProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState(() => ({ ...read(), navigations: 0 }));

  useEffect(() => {
    const onPop = () => setState((s) => ({ ...read(), navigations: s.navigations + 1 }));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const navigate = useCallback((to: string, options: { replace?: boolean } = {}) => {
    const samePage = new URL(to, window.location.href).pathname === window.location.pathname;
    window.history[options.replace ? 'replaceState' : 'pushState'](null, '', to);
    setState((s) => ({ ...read(), navigations: samePage ? s.navigations : s.navigations + 1 }));
    if (!samePage) window.scrollTo(0, 0);
  }, []);

  const value = useMemo(() => ({ ...state, navigate }), [state, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

export function useRouter(): Router {
  const value = useContext(RouterContext);
  if (!value) throw new Error('useRouter outside RouterProvider');
  return value;
}

/** `/services/:code` against a path: the parameters, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const { navigate } = useRouter();
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}
