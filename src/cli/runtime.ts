/** What every CLI command that touches the database needs, opened and closed in one place. */
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { loadSecrets, type Secrets } from '../auth/secrets.js';
import { openOrm, type MikroORM } from '../data/orm.js';
import { resolveDatabase } from '../data/postgres/index.js';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Runtime {
  orm: MikroORM;
  secrets: Secrets;
  databaseSource: string;
  close(): Promise<void>;
}

export async function openRuntime(log: (line: string) => void = () => {}): Promise<Runtime> {
  const db = await resolveDatabase({ purpose: 'dev', projectRoot: PROJECT_ROOT, log });
  try {
    const orm = await openOrm({ url: db.url, ssl: db.ssl });
    let closed = false;
    return {
      orm,
      secrets: loadSecrets(PROJECT_ROOT),
      databaseSource: db.source,
      close: async () => {
        if (closed) return;
        closed = true;
        await orm.close(true);
        await db.stop();
      },
    };
  } catch (e) {
    await db.stop();
    throw e;
  }
}
