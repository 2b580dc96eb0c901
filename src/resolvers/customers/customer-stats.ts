/**
 * `customerStats`: one GROUP BY statement over the customers the caller may see, each dimension
 * checked against the policy first (FORBIDDEN naming the argument), groups suppressed against the
 * caller's minGroupSize. Consented purposes are read through the caller's own Consent row filter,
 * so marketing, which sees only marketing consents, can group by no other purpose.
 */
import { ConsentEntity, CustomerEntity } from '../../data/entities/index.js';
import { withRows, type GuardedType } from '../../request/access.js';
import type { CustomerFilter } from '../../schema/inputs/customer.input.js';
import { CustomerStatsDimension, type CustomerStats, type CustomerStatsKey } from '../../schema/types/stats.type.js';
import { distinctDimensions, shapeGroups } from '../aggregate-groups.js';
import { groupedTail, joinParts, rowCondition, runAggregate, type AggregateContext, type SqlPart } from '../aggregate-sql.js';
import { customerConditions } from './customer-query.js';

interface Dimension {
  readonly group: string;
  readonly key: keyof CustomerStatsKey;
  readonly reads: readonly [GuardedType, string];
}

/**
 * Age reached this year in Asia/Tokyo, from the clear `birth_year` (the sealed date cannot be read
 * in SQL); bands of ten years with the ends open. Labels sort in band order; no year, no band.
 */
const AGE = `(extract(year from now() at time zone 'Asia/Tokyo')::int - c.birth_year)`;
const AGE_BAND = `case when ${AGE} < 20 then '0-19' when ${AGE} >= 70 then '70+' else (${AGE} / 10 * 10)::text || '-' || (${AGE} / 10 * 10 + 9)::text end`;

const CUSTOMER_DIMENSIONS: Readonly<Record<CustomerStatsDimension, Dimension>> = {
  PREFECTURE: { group: 'c.prefecture', key: 'prefecture', reads: ['Customer', 'prefecture'] },
  SEGMENT: { group: 'c.segment', key: 'segment', reads: ['Customer', 'segment'] },
  TEAM: { group: 'c.team_id', key: 'teamId', reads: ['Customer', 'teamId'] },
  AGE_BAND: { group: AGE_BAND, key: 'ageBand', reads: ['Customer', 'birthDate'] },
  CONSENTED_PURPOSE: { group: 'k.purpose', key: 'consentedPurpose', reads: ['Consent', 'purpose'] },
};

export interface CustomerStatsArgs {
  filter?: CustomerFilter | null;
  groupBy?: CustomerStatsDimension[] | null;
}

export function customerStatsSql(ctx: AggregateContext, args: CustomerStatsArgs, dims: readonly CustomerStatsDimension[]): SqlPart | null {
  const { access, em } = ctx;
  for (const d of dims) {
    const [type, field] = CUSTOMER_DIMENSIONS[d].reads;
    // An age band is derived from the birth date: it needs the year the `year` masker shows, or better.
    access.assertCanGroup(type, field, `groupBy: ${d}`, d === CustomerStatsDimension.AGE_BAND ? ['year'] : undefined);
  }
  const filtered = withRows(access, 'Customer', ((c) => (c.length ? { $and: c } : {}))(customerConditions(access, ctx.crypto, args.filter)));
  if (filtered === null) return null;
  const defs = dims.map((d) => CUSTOMER_DIMENSIONS[d]);
  const select = [...defs.map((d, i) => `${d.group} as k${i}`), 'count(*)::int as n'];
  const parts: SqlPart[] = [{ sql: `select ${select.join(', ')} from customer c`, params: [] }];
  if (dims.includes(CustomerStatsDimension.CONSENTED_PURPOSE)) {
    const visible = rowCondition(em, ConsentEntity, 'k', access.rowWhere('Consent'));
    parts.push({
      sql: `left join lateral (select k.purpose from consent k where k.customer_id = c.id and k.withdrawn_at is null and ${visible.sql}) k on true`,
      params: visible.params,
    });
  }
  const where = rowCondition(em, CustomerEntity, 'c', filtered);
  parts.push(...groupedTail(where, defs.map((d) => d.group)));
  return joinParts(parts, ' ');
}

export async function customerStats(ctx: AggregateContext, args: CustomerStatsArgs): Promise<CustomerStats> {
  const dims = distinctDimensions('groupBy', args.groupBy ?? [], 4);
  const sql = customerStatsSql(ctx, args, dims);
  const min = ctx.access.minGroupSize;
  const groups = shapeGroups(sql ? await runAggregate<{ n: number }>(ctx.em, sql) : [], dims.length, min);
  let aggregated = 0;
  const out = groups.map(({ row, keys, suppressed }) => {
    const key: CustomerStatsKey = { prefecture: null, segment: null, teamId: null, ageBand: null, consentedPurpose: null };
    dims.forEach((d, i) => Object.assign(key, { [CUSTOMER_DIMENSIONS[d].key]: keys[i] }));
    if (!suppressed) aggregated += row.n;
    return { key, suppressed, count: suppressed ? null : row.n };
  });
  if (aggregated > 0) for (const d of dims) ctx.decisions.count(CUSTOMER_DIMENSIONS[d].reads.join('.'), 'AGGREGATED', aggregated);
  return { groups: out, minGroupSize: min, suppressedGroups: groups.filter((g) => g.suppressed).length };
}
