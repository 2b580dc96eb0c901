import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DashboardStatsQuery } from '../generated/graphql';
import { useI18n } from './i18n';
import { formatNumber } from './numbers';

export function Channels({ channels }: { channels: DashboardStatsQuery['channels'] }) {
  const { t, lang } = useI18n();
  const data = channels.groups
    .map((g) => ({ channel: g.key.channel ?? '', label: g.key.channel ? t(g.key.channel) : '—', count: g.count }))
    .sort((a, b) => (b.count ?? -1) - (a.count ?? -1));
  if (data.length === 0) return <p className="muted">{t('noData')}</p>;
  return (
    <div className="channels">
      <figure>
        <figcaption className="sr-only">{t('channelTitle')}</figcaption>
        <ResponsiveContainer width="100%" height={40 + data.length * 34}>
          <BarChart data={data} layout="vertical" title={t('channelTitle')} margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
            <CartesianGrid stroke="#e3e6eb" horizontal={false} />
            <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11 }} />
            <YAxis type="category" dataKey="label" width={110} tick={{ fontSize: 12 }} />
            <Tooltip />
            <Bar dataKey="count" name={t('count')} fill="#0b5cad" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <table className="grid" data-testid="channel-table">
        <caption className="sr-only">{t('channelTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('channel')}</th>
            <th scope="col">{t('count')}</th>
          </tr>
        </thead>
        <tbody>
          {data.map((r) => (
            <tr key={r.channel} data-channel={r.channel}>
              <th scope="row">{r.label}</th>
              <td className="num" title={r.count === null ? t('suppressed') : undefined}>{formatNumber(r.count, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
