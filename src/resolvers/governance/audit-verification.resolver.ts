/**
 * Audit chain verification over GraphQL (the console's Audit screen). `verifyAuditChain` is a
 * query: verifying only reads the chain (auditors, read-only by policy, run it), and it records
 * the run and its progress in `audit_verification`, which `auditVerification(id)` reads while it
 * runs. Who may: a read rule on AuditVerification (admins, auditors, the DPO).
 */
import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { Sql } from '../../audit/chain-reader.js';
import { findVerification, listVerifications, runVerification, type VerificationRun } from '../../audit/verification-run.js';
import type { KoeContext } from '../../request/context.js';
import { BadUserInputError } from '../../request/errors.js';
import { AuditVerification, AuditVerificationConnection } from '../../schema/types/audit-verification.type.js';
import { isUuid } from '../ids.js';
import { pageSize, toPage, type Page } from '../pagination.js';
import { assertCanReadType } from './read-rule.js';

const toVerification = (r: VerificationRun): AuditVerification => ({ ...r, status: r.status.toUpperCase() });
// Outside any transaction: progress is committed as it goes, for the polling request to see.
const sqlOf = (ctx: KoeContext): Sql => (q, params = []) => ctx.em.getConnection().execute(q, params);
const canRead = (ctx: KoeContext) => assertCanReadType(ctx, 'AuditVerification', 'status', 'audit chain verifications');

@Resolver(() => AuditVerification)
export class AuditVerificationResolver {
  @Query(() => AuditVerification, {
    description: 'Verifies the whole audit chain now (hashes, links, checkpoints) and answers with the result; the first broken seq if any. ' +
      'Pass your own `id` to follow the progress with `auditVerification(id)` meanwhile.',
  })
  async verifyAuditChain(@Ctx() ctx: KoeContext, @Arg('id', () => ID, { nullable: true }) id: string | null): Promise<AuditVerification> {
    canRead(ctx);
    if (id != null && !isUuid(id)) throw new BadUserInputError('id', 'a UUID the client chose for this run');
    const sql = sqlOf(ctx);
    if (id != null && (await findVerification(sql, id))) throw new BadUserInputError('id', 'a run with this id exists; choose a fresh UUID');
    return toVerification(await runVerification(sql, ctx.principal.id, id ?? undefined));
  }

  @Query(() => AuditVerification, { nullable: true, description: 'One verification run, with its progress while it runs.' })
  async auditVerification(@Ctx() ctx: KoeContext, @Arg('id', () => ID) id: string): Promise<AuditVerification | null> {
    canRead(ctx);
    const r = await findVerification(sqlOf(ctx), id);
    return r ? toVerification(r) : null;
  }

  @Query(() => AuditVerificationConnection, { description: 'Verification runs, newest first: the first is the last verification.' })
  async auditVerifications(
    @Ctx() ctx: KoeContext,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<Page<AuditVerification>> {
    canRead(ctx);
    const size = pageSize(first);
    const list = ctx.cursors.of('auditVerifications:startedAt:desc');
    const cursor = list.decode(after);
    const sql = sqlOf(ctx);
    const rows = await listVerifications(sql, cursor ? { at: String(cursor.value), id: cursor.id } : null, size + 1);
    const count = async () => Number((await sql<{ n: string }>('select count(*) as n from audit_verification'))[0]!.n);
    return toPage(rows.map(toVerification), size, (r) => r.startedAt.toISOString(), count, list);
  }
}
