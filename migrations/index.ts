// Every migration, in order. Listed here (not globbed) so they load the same way under tsx,
// vitest and compiled code; add each new file that `npm run mikro-orm -- migration:create` writes.
import { Migration20261128144138 } from './Migration20261128144138.js';
import { Migration20261128151144_AuditDetail } from './Migration20261128151144_AuditDetail.js';

export const MIGRATIONS = [
  { name: 'Migration20261128144138', class: Migration20261128144138 },
  { name: 'Migration20261128151144_AuditDetail', class: Migration20261128151144_AuditDetail },
];
