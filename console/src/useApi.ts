import { useEffect, useState } from 'react';
import { ApiError, gql } from './api';

export type Loaded<T> = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ok'; data: T };

/** Runs `query` whenever its variables change; an UNAUTHENTICATED answer ends the session. */
export function useGql<T>(query: string, variables: Record<string, unknown>, onAuthLost: () => void, reload = 0): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' });
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (!query) return undefined;
    let live = true;
    setState({ kind: 'loading' });
    gql<T>(query, JSON.parse(key) as Record<string, unknown>).then(
      (data) => live && setState({ kind: 'ok', data }),
      (e: unknown) => {
        if (!live) return;
        if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') onAuthLost();
        else setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [query, key, onAuthLost, reload]);
  return state;
}

export interface ScreenProps {
  me: import('./api').Me;
  onAuthLost: () => void;
}
