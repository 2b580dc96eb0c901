import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DashboardStatsQuery, Sentiment } from '../generated/graphql';
import { useI18n } from './i18n';
import { formatNumber } from './numbers';

type Weekly = DashboardStatsQuery['weekly'];

const SENTIMENTS: ReadonlyArray<{ sentiment: Sentiment; key: 'positive' | 'neutral' | 'negative'; colour: string }> = [
  { sentiment: 'POSITIVE', key: 'positive', colour: '#1a7f37' },
  { sentiment: 'NEUTRAL', key: 'neutral', colour: '#6b7585' },
  { sentiment: 'NEGATIVE', key: 'negative', colour: '#b4232f' },
];

/** One row per week; suppressed values stay null so the charts leave a gap rather than draw a zero. */
function rows(weekly: Weekly) {
  return weekly.groups.map((g) => {
    const by = (s: Sentiment) => g.bySentiment?.find((x) => x.sentiment === s)?.count ?? null;
    return { period: g.key.period ?? '', count: g.count, nps: g.nps, suppressed: g.suppressed, positive: by('POSITIVE'), neutral: by('NEUTRAL'), negative: by('NEGATIVE') };
  });
}

export function Trend({ weekly }: { weekly: Weekly }) {
  const { t, lang } = useI18n();
  const data = rows(weekly);
  if (data.length === 0) return <p className="muted">{t('noData')}</p>;
  const show = (v: number | null) => <span title={v === null ? t('suppressed') : undefined}>{formatNumber(v, lang)}</span>;
  return (
    <>
      <p className="help">{t('trendHelp', { n: weekly.minGroupSize })}</p>
      <div className="charts">
        <figure>
          <figcaption>{t('npsChart')}</figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={data} title={t('npsChart')} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid stroke="#e3e6eb" />
              <XAxis dataKey="period" tick={{ fontSize: 11 }} minTickGap={24} />
              <YAxis domain={[-100, 100]} ticks={[-100, -50, 0, 50, 100]} tick={{ fontSize: 11 }} width={40} />
              <ReferenceLine y={0} stroke="#8a93a3" />
              <Tooltip formatter={(v) => formatNumber(typeof v === 'number' ? v : null, lang)} />
              <Line type="monotone" dataKey="nps" name={t('nps')} stroke="#0b5cad" strokeWidth={2} dot={{ r: 2 }} connectNulls={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </figure>
        <figure>
          <figcaption>{t('sentimentChart')}</figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={data} title={t('sentimentChart')} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid stroke="#e3e6eb" />
              <XAxis dataKey="period" tick={{ fontSize: 11 }} minTickGap={24} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={40} />
              <Tooltip />
              <Legend itemSorter={null} />
              {SENTIMENTS.map((s) => (
                <Bar key={s.key} dataKey={s.key} name={t(s.key)} stackId="sentiment" fill={s.colour} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </figure>
      </div>
      <div className="scroll table-box" role="region" aria-labelledby="trend-title" tabIndex={0}>
        <table className="grid" data-testid="weekly-table">
          <caption className="sr-only">{t('trendTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('week')}</th>
              <th scope="col">{t('count')}</th>
              <th scope="col">{t('nps')}</th>
              {SENTIMENTS.map((s) => <th key={s.key} scope="col">{t(s.key)}</th>)}
            </tr>
          </thead>
          <tbody>
            {[...data].reverse().map((r) => (
              <tr key={r.period} data-week={r.period}>
                <th scope="row" className="nowrap">{r.period}</th>
                <td className="num">{show(r.count)}</td>
                <td className="num" data-testid="nps">{show(r.nps)}</td>
                {SENTIMENTS.map((s) => <td key={s.key} className="num">{show(r[s.key])}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
