/**
 * The incident report as plain data: what one credential, principal or address did, whose
 * records it touched and which personal fields it got in PLAIN or MASKED form. JSON, CSV,
 * markdown and GraphQL are all views of this one shape.
 */
import type { PiiCategory } from '../../policies/index.js';

/** What the report is about; at least one of principal, API key or address. */
export interface IncidentScope {
  principalId?: string | null;
  apiKeyPrefix?: string | null;
  address?: string | null;
  since?: Date | null;
  until?: Date | null;
}

/** The scope as the trail can be searched: an API key becomes its principal and the key's lifetime. */
export interface ResolvedScope {
  principalId: string | null;
  apiKeyPrefix: string | null;
  address: string | null;
  since: Date | null;
  until: Date | null;
  /** Why the search is wider than asked (e.g. events do not name the credential used). */
  notes: string[];
}

export interface IncidentVerification {
  ok: boolean;
  events: number;
  signaturesChecked: boolean;
  /** The first problem found, e.g. `seq 12: content does not match its hash`. */
  problem: string | null;
}

export interface FieldExposure {
  /** `Type.field`, e.g. `Customer.email`. */
  field: string;
  category: PiiCategory | null;
  firstAt: Date;
  lastAt: Date;
  /**
   * False when every event naming it listed several customers: the field was returned for some of
   * them, and each is counted as possibly exposed (an upper bound).
   */
  exact: boolean;
}

export interface CustomerExposure {
  customerId: string;
  firstAt: Date;
  lastAt: Date;
  /** Requests that touched the customer's records. */
  requests: number;
  plain: FieldExposure[];
  masked: FieldExposure[];
  /** True when every field listed was certainly returned for this customer. */
  exact: boolean;
}

export interface CategoryCount {
  category: PiiCategory | 'UNKNOWN';
  decision: 'PLAIN' | 'MASKED' | 'DENIED';
  /** Customers for whom a field of the category was (possibly) returned; 0 for DENIED. */
  customers: number;
  /** Field values decided so, summed over the events. */
  values: number;
}

export interface PrincipalUse {
  principalId: string | null;
  roles: string[];
  purpose: string | null;
  requests: number;
  firstAt: Date;
  lastAt: Date;
}

export interface RequestSummary {
  requestId: string;
  at: Date;
  actorId: string | null;
  actions: string[];
  outcome: string;
  operationName: string | null;
  purpose: string | null;
  clientAddress: string | null;
  subgraphs: string[];
  customers: number;
}

export interface IncidentReport {
  generatedAt: Date;
  scope: ResolvedScope;
  verification: IncidentVerification;
  /** True when some customer is listed as possibly, not certainly, exposed (see FieldExposure.exact). */
  upperBound: boolean;
  eventsRead: number;
  /**
   * Events that returned personal fields: `exact` say which record had which field
   * (`detail.exposure`); `upperBound` are older events that do not, counted as the upper bound.
   */
  exposureEvents: { exact: number; upperBound: number };
  requests: RequestSummary[];
  customers: CustomerExposure[];
  categories: CategoryCount[];
  principals: PrincipalUse[];
}

export const UPPER_BOUND_NOTE =
  'Events recorded since per-record exposure was added say exactly which record returned which field; for older events, ' +
  'an audit event lists the records a request loaded and how many values of each field it returned, not which record had which field: ' +
  'where one event names several customers, each is counted as possibly exposed for every field of that event (an upper bound). ' +
  'A page also names the one look-ahead record it loaded past its end.';
