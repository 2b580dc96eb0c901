import { loadConfig } from '../config/index.js';
import { ormOptions, poolOptions } from './orm.js';

// The MikroORM CLI (migration:create, migration:up) reads the default export of this file: it is
// a program of its own, so it loads the configuration itself.
const { database } = loadConfig();
// eslint-disable-next-line import/no-default-export
export default ormOptions({ url: database.url ?? 'postgres://postgres@127.0.0.1:5432/koe_dev', ...poolOptions(database) });
