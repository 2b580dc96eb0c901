/**
 * GraphiQL as a console screen, in its own chunk (loaded when opened). It sends every request to
 * /graphql with the console session (cookie + X-Koe-Console header): the caller's own policy. The
 * schema comes from `/console/schema`, cut to what this principal's roles may use, so completion
 * works in production, where introspection is for admins only; without it GraphiQL introspects as
 * before. No headers editor: a token pasted there would bypass the session, and the fetcher would
 * drop it anyway.
 */
import { useEffect, useState } from 'react';
import { GraphiQL } from 'graphiql';
import { buildSchema, getIntrospectionQuery, type GraphQLSchema } from 'graphql';
import type { FetcherParams } from '@graphiql/toolkit';
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { callerSchemaSdl, rawGql } from '../api';
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

/** The caller's schema; undefined (GraphiQL then introspects) when the gateway gives none or it does not build. */
async function callerSchema(): Promise<GraphQLSchema | undefined> {
  try {
    const sdl = await callerSchemaSdl();
    return sdl === null ? undefined : buildSchema(sdl);
  } catch {
    return undefined;
  }
}

export default function Explorer() {
  const { t } = useI18n();
  // GraphiQL is rendered once the schema is settled, so it never introspects in the meantime.
  const [schema, setSchema] = useState<{ value: GraphQLSchema | undefined } | null>(null);
  useEffect(() => {
    let live = true;
    void callerSchema().then((value) => live && setSchema({ value }));
    return () => {
      live = false;
    };
  }, []);
  return (
    <section aria-labelledby="explorer-h">
      <h2 id="explorer-h">{t('explorer')}</h2>
      <p className="help">{t('explorerHelp')}</p>
      <div className="explorer-host" data-testid="explorer" aria-busy={schema === null}>
        {schema && (
          <GraphiQL fetcher={fetcher} schema={schema.value} defaultQuery={DEFAULT_QUERY} isHeadersEditorEnabled={false} forcedTheme="light">
            {/* Instead of GraphiQL's logo, a link to github.com: the console links nowhere outside Koe. */}
            <GraphiQL.Logo><span className="explorer-logo">Koe</span></GraphiQL.Logo>
          </GraphiQL>
        )}
      </div>
    </section>
  );
}
