import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useEffect, useState } from 'react';
import type { MessageKey, Translate } from './i18n';
import { request, RequestError, type Answer } from './request';

export type Loaded<T> = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ok'; answer: Answer<T> };

/** What a failed request means to the reader, with the server's own message. */
export function describe(e: unknown, t: Translate): string {
  const message = e instanceof Error ? e.message : String(e);
  const status = e instanceof RequestError ? e.status : 0;
  // 502 and 504 come from the preview server's proxy when the gateway is down: unavailable, like 503.
  const key: MessageKey = status === 401 || status === 403 || status === 429 ? `error${status}` : status >= 502 && status <= 504 ? 'error503' : 'errorOther';
  return t(key, { message });
}

/**
 * Runs `doc` whenever the credential or variables change (and when `reload` does). A refused
 * credential (401) ends the session with the server's message instead of showing an error here.
 */
export function useQuery<T, V extends Record<string, unknown>>(
  credential: string,
  doc: TypedDocumentNode<T, V>,
  variables: V,
  t: Translate,
  onAuthLost: (message: string) => void,
  reload = 0,
): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' });
  const key = JSON.stringify(variables);
  useEffect(() => {
    let live = true;
    setState({ kind: 'loading' });
    request(credential, doc, JSON.parse(key) as V).then(
      (answer) => live && setState({ kind: 'ok', answer }),
      (e: unknown) => {
        if (!live) return;
        if (e instanceof RequestError && e.status === 401) onAuthLost(describe(e, t));
        else setState({ kind: 'error', message: describe(e, t) });
      },
    );
    return () => {
      live = false;
    };
  }, [credential, doc, key, t, onAuthLost, reload]);
  return state;
}
