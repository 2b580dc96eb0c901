import { useEffect, useRef, useState } from 'react';
import { ApiError, gql } from './api';
import { gqlFor } from './api-people';
import { useI18n, type Translate } from './i18n';

/** A failure as the person reading the screen needs it: an answer without GraphQL errors says only its HTTP status. */
export function failureText(e: unknown, t: Translate): string {
  if (e instanceof ApiError && e.code === null && e.status >= 500) return t('errUnavailable', { status: String(e.status) });
  if (e instanceof ApiError && e.code === null && e.status === 403) return t('errRefused');
  return e instanceof Error ? e.message : String(e);
}

export type Loaded<T> = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ok'; data: T };

/** Runs `query` whenever its variables change (declaring `purpose` when given); an UNAUTHENTICATED answer ends the session. */
export function useGql<T>(query: string, variables: Record<string, unknown>, onAuthLost: () => void, reload = 0, purpose?: string): Loaded<T> {
  // Read when a failure arrives: switching the language must not send the query again.
  const { t: translate } = useI18n();
  const t = useRef<Translate>(translate);
  t.current = translate;
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' });
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (!query) return undefined;
    let live = true;
    setState({ kind: 'loading' });
    const vars = JSON.parse(key) as Record<string, unknown>;
    (purpose ? gqlFor<T>(query, vars, purpose) : gql<T>(query, vars)).then(
      (data) => live && setState({ kind: 'ok', data }),
      (e: unknown) => {
        if (!live) return;
        if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') onAuthLost();
        else setState({ kind: 'error', message: failureText(e, t.current) });
      },
    );
    return () => {
      live = false;
    };
  }, [query, key, onAuthLost, reload, purpose]);
  return state;
}

export interface ScreenProps {
  me: import('./api').Me;
  onAuthLost: () => void;
}
