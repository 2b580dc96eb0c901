/**
 * The Overview's "needs attention" list. Each item is its own request under the signed-in role,
 * sent only when the role is offered the screen that handles it; an item whose request is refused
 * or fails is left out, so a role sees nothing it may not read, and one refusal hides no other item.
 * Data-subject requests: Koe completes disclosure and erasure when they are made, so none waits;
 * the open ones are use restrictions in force (`useRestrictions`), shown to the DPO.
 */
import { useEffect, useState } from 'react';
import { ApiError, gql, type Me } from '../api';
import { gqlFor } from '../api-people';
import { useI18n, type MessageKey } from '../i18n';
import { screensFor, type Screen } from '../screens';
import { KEY_STATUS_QUERY, LIFECYCLE_QUERY, type KeyStatus, type LifecycleDryRun } from './ops-queries';

interface Item {
  key: string;
  text: MessageKey;
  vars: Record<string, string>;
  screen: Screen;
}

/** `koe access review`'s default period: principals not reviewed within it are flagged. */
const REVIEW_DAYS = 180;
const DAY_MS = 86_400_000;

type Probe = () => Promise<Item[]>;

function probesFor(screens: readonly Screen[]): Probe[] {
  const probes: Probe[] = [];
  if (screens.includes('keys')) {
    probes.push(async () => {
      const { keyStatus: k } = await gql<{ keyStatus: KeyStatus }>(KEY_STATUS_QUERY);
      const active = k.versions.find((v) => v.version === k.active);
      const out: Item[] = [];
      if (k.rotationDue) out.push({ key: 'rotation', text: 'attnRotation', vars: { age: String(active?.ageDays ?? '?') }, screen: 'keys' });
      if (k.rotationUnfinished) out.push({ key: 'rotation-unfinished', text: 'attnRotationUnfinished', vars: {}, screen: 'keys' });
      if (k.problems.length) out.push({ key: 'key-problems', text: 'attnKeyProblems', vars: { count: String(k.problems.length) }, screen: 'keys' });
      return out;
    });
    probes.push(async () => {
      const { lifecycleDryRun } = await gql<{ lifecycleDryRun: LifecycleDryRun }>(LIFECYCLE_QUERY);
      const due = lifecycleDryRun.categories.reduce((n, c) => n + c.due, 0);
      return due > 0 ? [{ key: 'lifecycle', text: 'attnLifecycle', vars: { count: String(due) }, screen: 'keys' }] : [];
    });
  }
  if (screens.includes('audit')) {
    probes.push(async () => {
      const since = new Date(Date.now() - DAY_MS).toISOString();
      const { auditEvents } = await gql<{ auditEvents: { totalCount: number } }>(
        'query ConsoleAlerts24h($since: DateTime) { auditEvents(first: 1, filter: { outcome: "alert", after: $since }) { totalCount } }',
        { since },
      );
      return auditEvents.totalCount > 0 ? [{ key: 'alerts', text: 'attnAlerts', vars: { count: String(auditEvents.totalCount) }, screen: 'audit' }] : [];
    });
    probes.push(async () => {
      // The newest verification run (the Audit screen's "verify now"; newest first) decides.
      const { auditVerifications } = await gql<{ auditVerifications: { edges: Array<{ node: { status: string } }> } }>(
        'query ConsoleLastVerification { auditVerifications(first: 1) { edges { node { status } } } }',
      );
      const last = auditVerifications.edges[0]?.node.status;
      return last !== undefined && last !== 'OK' && last !== 'RUNNING' ? [{ key: 'verify', text: 'attnVerify', vars: {}, screen: 'audit' }] : [];
    });
  }
  if (screens.includes('access')) {
    probes.push(async () => {
      // One page: the count says "100+" rather than loading every principal.
      const { principals } = await gql<{ principals: { edges: Array<{ node: { status: string; reviewedAt: string | null; createdAt: string } }>; pageInfo: { hasNextPage: boolean } } }>(
        'query ConsoleReviewDue { principals(first: 100) { edges { node { status reviewedAt createdAt } } pageInfo { hasNextPage } } }',
      );
      const cutoff = Date.now() - REVIEW_DAYS * DAY_MS;
      const overdue = principals.edges.filter(({ node }) => node.status === 'active' && (node.reviewedAt === null || Date.parse(node.reviewedAt) < cutoff)).length;
      const count = `${overdue}${principals.pageInfo.hasNextPage ? '+' : ''}`;
      return overdue > 0 ? [{ key: 'review', text: 'attnReview', vars: { count, days: String(REVIEW_DAYS) }, screen: 'access' }] : [];
    });
    probes.push(async () => {
      const { grantRequests } = await gql<{ grantRequests: { totalCount: number } }>('query ConsolePendingGrants { grantRequests(first: 1, status: PENDING) { totalCount } }');
      return grantRequests.totalCount > 0 ? [{ key: 'grants', text: 'attnGrants', vars: { count: String(grantRequests.totalCount) }, screen: 'access' }] : [];
    });
  }
  if (screens.includes('subjects')) {
    // Disclosure and erasure complete in the request that asks for them; what stays open is a
    // restriction of use, until its ground ends and the DPO lifts it.
    probes.push(async () => {
      const { useRestrictions } = await gqlFor<{ useRestrictions: { totalCount: number } }>('query ConsoleOpenRestrictions { useRestrictions(first: 1) { totalCount } }', {}, 'compliance');
      return useRestrictions.totalCount > 0 ? [{ key: 'restrictions', text: 'attnRestrictions', vars: { count: String(useRestrictions.totalCount) }, screen: 'subjects' }] : [];
    });
  }
  return probes;
}

export function Attention({ me, onAuthLost, go }: { me: Me; onAuthLost: () => void; go: (s: Screen) => void }) {
  const { t } = useI18n();
  const [items, setItems] = useState<Item[] | null>(null);
  useEffect(() => {
    let live = true;
    const probes = probesFor(screensFor(me.roles));
    // After the first screen is up: these are second in line to the principal's own facts.
    const started = requestIdleCallback(() => {
      void Promise.allSettled(probes.map((p) => p())).then((results) => {
        if (!live) return;
        if (results.some((r) => r.status === 'rejected' && r.reason instanceof ApiError && r.reason.code === 'UNAUTHENTICATED')) return onAuthLost();
        setItems(results.flatMap((r) => (r.status === 'fulfilled' ? r.value : [])));
      });
    }, { timeout: 300 });
    return () => {
      live = false;
      cancelIdleCallback(started);
    };
  }, [me.roles, onAuthLost]);
  return (
    <section aria-labelledby="attention-h" data-testid="attention">
      <h3 id="attention-h">{t('attention')}</h3>
      {items === null ? (
        <p role="status">{t('loading')}</p>
      ) : (
        <ul className="attention">
          {items.length === 0 && <li className="calm">{t('attentionNone')}</li>}
          {items.map((i) => (
            <li key={i.key} data-attention={i.key}>
              <span>{t(i.text, i.vars)}</span>
              <a href={`#${i.screen}`} onClick={(e) => (e.preventDefault(), go(i.screen))}>{t('open')}: {t(i.screen)}</a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
