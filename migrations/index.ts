// Every migration, in order. Listed here (not globbed) so they load the same way under tsx,
// vitest and compiled code; add each new file that `npm run mikro-orm -- migration:create` writes.
import { Migration20261128144138 } from './Migration20261128144138.js';
import { Migration20261128151144_AuditDetail } from './Migration20261128151144_AuditDetail.js';
import { Migration20261128160000_AuditChain } from './Migration20261128160000_AuditChain.js';
import { Migration20261128162000_RateLimit } from './Migration20261128162000_RateLimit.js';
import { Migration20261128161000_Access } from './Migration20261128161000_Access.js';
import { Migration20261128170000_AuditAlerts } from './Migration20261128170000_AuditAlerts.js';
import { Migration20261128180000_FieldEncryption } from './Migration20261128180000_FieldEncryption.js';
import { Migration20261128190000_FeedbackPiiFlags } from './Migration20261128190000_FeedbackPiiFlags.js';
import { Migration20261128191000_Erasure } from './Migration20261128191000_Erasure.js';
import { Migration20261128193000_Provision } from './Migration20261128193000_Provision.js';
import { Migration20261128192000_Lifecycle } from './Migration20261128192000_Lifecycle.js';
import { Migration20261128194000_AuditAppendFn } from './Migration20261128194000_AuditAppendFn.js';
import { Migration20261128195000_UseRestriction } from './Migration20261128195000_UseRestriction.js';
import { Migration20261128196000_DescendingPageIndexes } from './Migration20261128196000_DescendingPageIndexes.js';
import { Migration20261128197000_AuditLz4 } from './Migration20261128197000_AuditLz4.js';
import { Migration20261128198000_AuditHeadIndexScan } from './Migration20261128198000_AuditHeadIndexScan.js';
import { Migration20261204110000_OneActiveConsent } from './Migration20261204110000_OneActiveConsent.js';
import { Migration20261204111000_FeedbackPiiScan } from './Migration20261204111000_FeedbackPiiScan.js';
import { Migration20261205020000_ConsoleReviewsAndVerifications } from './Migration20261205020000_ConsoleReviewsAndVerifications.js';
import { Migration20261204120000_GrantRequest } from './Migration20261204120000_GrantRequest.js';
import { Migration20261205050000_RateLimitRequest } from './Migration20261205050000_RateLimitRequest.js';
import { Migration20261205070000_BiOutbox } from './Migration20261205070000_BiOutbox.js';
import { Migration20261206020000_CustomerBirthYear } from './Migration20261206020000_CustomerBirthYear.js';
import { Migration20261206021000_FeedbackBucketStatistics } from './Migration20261206021000_FeedbackBucketStatistics.js';
import { Migration20261206040000_TrustedDocuments } from './Migration20261206040000_TrustedDocuments.js';
import { Migration20261206050000_ReviewItemUnusedPermissions } from './Migration20261206050000_ReviewItemUnusedPermissions.js';

export const MIGRATIONS = [
  { name: 'Migration20261128144138', class: Migration20261128144138 },
  { name: 'Migration20261128151144_AuditDetail', class: Migration20261128151144_AuditDetail },
  { name: 'Migration20261128160000_AuditChain', class: Migration20261128160000_AuditChain },
  { name: 'Migration20261128161000_Access', class: Migration20261128161000_Access },
  { name: 'Migration20261128162000_RateLimit', class: Migration20261128162000_RateLimit },
  { name: 'Migration20261128170000_AuditAlerts', class: Migration20261128170000_AuditAlerts },
  { name: 'Migration20261128180000_FieldEncryption', class: Migration20261128180000_FieldEncryption },
  { name: 'Migration20261128190000_FeedbackPiiFlags', class: Migration20261128190000_FeedbackPiiFlags },
  { name: 'Migration20261128191000_Erasure', class: Migration20261128191000_Erasure },
  { name: 'Migration20261128192000_Lifecycle', class: Migration20261128192000_Lifecycle },
  { name: 'Migration20261128193000_Provision', class: Migration20261128193000_Provision },
  { name: 'Migration20261128194000_AuditAppendFn', class: Migration20261128194000_AuditAppendFn },
  { name: 'Migration20261128195000_UseRestriction', class: Migration20261128195000_UseRestriction },
  { name: 'Migration20261128196000_DescendingPageIndexes', class: Migration20261128196000_DescendingPageIndexes },
  { name: 'Migration20261128197000_AuditLz4', class: Migration20261128197000_AuditLz4 },
  { name: 'Migration20261128198000_AuditHeadIndexScan', class: Migration20261128198000_AuditHeadIndexScan },
  { name: 'Migration20261204110000_OneActiveConsent', class: Migration20261204110000_OneActiveConsent },
  { name: 'Migration20261204111000_FeedbackPiiScan', class: Migration20261204111000_FeedbackPiiScan },
  { name: 'Migration20261204120000_GrantRequest', class: Migration20261204120000_GrantRequest },
  { name: 'Migration20261205050000_RateLimitRequest', class: Migration20261205050000_RateLimitRequest },
  { name: 'Migration20261205020000_ConsoleReviewsAndVerifications', class: Migration20261205020000_ConsoleReviewsAndVerifications },
  { name: 'Migration20261205070000_BiOutbox', class: Migration20261205070000_BiOutbox },
  { name: 'Migration20261206020000_CustomerBirthYear', class: Migration20261206020000_CustomerBirthYear },
  { name: 'Migration20261206021000_FeedbackBucketStatistics', class: Migration20261206021000_FeedbackBucketStatistics },
  { name: 'Migration20261206040000_TrustedDocuments', class: Migration20261206040000_TrustedDocuments },
  { name: 'Migration20261206050000_ReviewItemUnusedPermissions', class: Migration20261206050000_ReviewItemUnusedPermissions },
];
