/**
 * GraphiQL as a console screen, in its own chunk (loaded when opened). It sends every request to
 * /graphql with the console session (cookie + X-Koe-Console header): the caller's own policy,
 * introspection included, so the schema and the answers are what this principal may use. No
 * headers editor: a token pasted there would bypass the session, and the fetcher would drop it anyway.
 */
import { GraphiQL } from 'graphiql';
import { getIntrospectionQuery } from 'graphql';
import type { FetcherParams } from '@graphiql/toolkit';
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { rawGql } from '../api';
import { useI18n } from '../i18n';

const DEFAULT_QUERY = `# Runs under your roles and purpose.
query Me {
  me { id roles purpose decisions { field decision } }
}
`;

/**
 * GraphiQL's own introspection nests `ofType` nine deep (depth 15), over the gateway's depth limit
 * (12 by default), which refuses it like any other query. Six levels describe every type Koe has
 * ([X!]! is three) and fit the limit, so the limit stays as it is for everyone.
 */
const INTROSPECTION = getIntrospectionQuery({ inputValueDeprecation: true, typeDepth: 6 });

const fetcher = (params: FetcherParams) =>
  rawGql(params.operationName === 'IntrospectionQuery' ? { ...params, query: INTROSPECTION } : params) as Promise<Record<string, unknown>>;

export default function Explorer() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="explorer-h">
      <h2 id="explorer-h">{t('explorer')}</h2>
      <p className="help">{t('explorerHelp')}</p>
      <div className="explorer-host" data-testid="explorer">
        <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} isHeadersEditorEnabled={false} forcedTheme="light">
          {/* Instead of GraphiQL's logo, a link to github.com: the console links nowhere outside Koe. */}
          <GraphiQL.Logo><span className="explorer-logo">Koe</span></GraphiQL.Logo>
        </GraphiQL>
      </div>
    </section>
  );
}
