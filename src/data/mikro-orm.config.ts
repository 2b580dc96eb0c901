import { ormOptions } from './orm.js';

// The MikroORM CLI (migration:create, migration:up) reads the default export of this file.
// eslint-disable-next-line import/no-default-export
export default ormOptions({ url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/koe_dev' });
