/**
 * The evidence pack as plain data: sections of facts drawn from the audit trail and the database
 * for a period, each mapped to the SOC 2 criteria and APPI articles it supports and to the tests
 * that back its control. The HTML report and the JSON file are two views of this one shape.
 */

export type Cell = string | number | boolean | null;

export interface EvidenceSection {
  id: string;
  title: string;
  /** SOC 2 Trust Services Criteria, e.g. `CC6.1`, `P4.2`. */
  soc2: string[];
  /** APPI articles, e.g. `Art. 23`. */
  appi: string[];
  /** One or two sentences: what the control is and what the rows show. */
  summary: string;
  columns: string[];
  rows: Cell[][];
  /** Where the data is incomplete, and why. */
  notes: string[];
  /** Test files that exercise this control (control-tests.ts). */
  tests: string[];
}

export interface EvidencePack {
  from: string;
  to: string;
  generatedAt: string;
  policyVersion: string;
  sections: EvidenceSection[];
}

/** The period a pack covers: `from` inclusive, `to` exclusive. */
export interface EvidencePeriod {
  from: Date;
  to: Date;
}
