import type { ReactNode } from 'react';
import { useI18n } from './i18n';
import type { Loaded } from './useQuery';

/** Loading and error states of a section, the same everywhere; `children` renders the data. */
export function State<T>({ loaded, onRetry, children }: { loaded: Loaded<T>; onRetry: () => void; children: (data: T, hidden: Set<string>) => ReactNode }) {
  const { t } = useI18n();
  if (loaded.kind === 'loading') return <p role="status" className="muted">{t('loading')}</p>;
  if (loaded.kind === 'error') {
    return (
      <div className="error" role="alert">
        <p>{loaded.message}</p>
        <button type="button" onClick={onRetry}>{t('retry')}</button>
      </div>
    );
  }
  return <>{children(loaded.answer.data, loaded.answer.hidden)}</>;
}
