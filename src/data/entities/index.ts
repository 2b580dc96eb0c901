export { ApiKeyEntity } from './api-key.entity.js';
export { AuditEventEntity, type FieldDecisionCountRow } from './audit-event.entity.js';
export { ConsentEntity } from './consent.entity.js';
export { CustomerEntity } from './customer.entity.js';
export { FeedbackEntity } from './feedback.entity.js';
export { GRANT_REQUEST_STATUSES, GrantRequestEntity, type GrantRequestStatus } from './grant-request.entity.js';
export { PrincipalEntity, type RoleGrant } from './principal.entity.js';
export { PurchaseEntity } from './purchase.entity.js';
export { UseRestrictionEntity } from './use-restriction.entity.js';

import { ApiKeyEntity } from './api-key.entity.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { ConsentEntity } from './consent.entity.js';
import { CustomerEntity } from './customer.entity.js';
import { FeedbackEntity } from './feedback.entity.js';
import { GrantRequestEntity } from './grant-request.entity.js';
import { PrincipalEntity } from './principal.entity.js';
import { PurchaseEntity } from './purchase.entity.js';
import { UseRestrictionEntity } from './use-restriction.entity.js';

export const ENTITIES = [CustomerEntity, PurchaseEntity, ConsentEntity, FeedbackEntity, PrincipalEntity, AuditEventEntity, ApiKeyEntity, UseRestrictionEntity, GrantRequestEntity];
