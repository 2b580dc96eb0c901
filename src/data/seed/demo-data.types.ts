/** The shapes of the demo data set; storage-agnostic, so entities and fixtures can both map from them. */

export type TeamId = 'team-east' | 'team-west' | 'team-online';
export const TEAMS: readonly TeamId[] = ['team-east', 'team-west', 'team-online'];

export interface DemoOptions {
  /** Default 20261128. */
  seed?: number;
  /** Default 600. */
  customers?: number;
  /** Default 5000. */
  feedback?: number;
  /** The moment the data set is "as of"; default 2026-11-01T00:00:00Z, never the wall clock. */
  now?: Date;
}

export interface DemoCustomer {
  id: string;
  name: string;
  nameKana: string;
  email: string;
  phone: string;
  address: string;
  prefecture: string;
  /** YYYY-MM-DD */
  birthDate: string;
  teamId: TeamId;
  segment: 'individual' | 'premium' | 'business' | 'new';
  createdAt: Date;
  lastActivityAt: Date;
}

export interface DemoPurchase {
  id: string;
  customerId: string;
  orderedAt: Date;
  productName: string;
  category: string;
  /** Yen, integer. */
  amount: number;
  store: string;
}

export type ConsentPurpose = 'support' | 'analytics' | 'marketing' | 'transfer_abroad' | 'third_party';

export interface DemoConsent {
  id: string;
  customerId: string;
  purpose: ConsentPurpose;
  grantedAt: Date;
  withdrawnAt: Date | null;
  source: 'web_form' | 'store' | 'app' | 'call_center';
}

export type FeedbackChannel = 'EMAIL' | 'PHONE' | 'WEB' | 'SNS' | 'STORE' | 'SURVEY';

export interface DemoFeedback {
  id: string;
  customerId: string | null;
  channel: FeedbackChannel;
  receivedAt: Date;
  subject: string | null;
  body: string;
  /** 0–10 */
  rating: number | null;
  sentiment: 'POSITIVE' | 'NEUTRAL' | 'NEGATIVE' | null;
  tags: string[];
  status: 'OPEN' | 'IN_PROGRESS' | 'RESOLVED';
  teamId: TeamId;
  note: string | null;
}

export interface DemoPrincipal {
  id: string;
  displayName: string;
  roles: string[];
  teamId: TeamId | null;
  status: 'active' | 'disabled';
}

export interface DemoData {
  customers: DemoCustomer[];
  purchases: DemoPurchase[];
  consents: DemoConsent[];
  feedback: DemoFeedback[];
  principals: DemoPrincipal[];
}
