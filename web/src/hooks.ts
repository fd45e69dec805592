import { useEffect, useState } from 'react';

export type Loadable<T> = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ok'; data: T };

/** Runs `load` whenever `deps` change; an older answer never overwrites a newer one. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Loadable<T> {
  const [state, setState] = useState<Loadable<T>>({ status: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => (s.status === 'ok' ? s : { status: 'loading' }));
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ status: 'ok', data }),
      (error: unknown) => !controller.signal.aborted && setState({ status: 'error', error }),
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}

export function useTitle(title: string | undefined): void {
  useEffect(() => {
    if (title) document.title = `${title} · Ortak`;
  }, [title]);
}
