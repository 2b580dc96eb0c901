/**
 * A screen's load that failed (Koe unavailable, refused, an error): what went wrong, and a button
 * that sends the same request again, so a reader need not leave the screen and come back.
 */
import { useI18n } from './i18n';

export function LoadError({ message, onRetry }: { message: string; onRetry: () => void }) {
  const { t } = useI18n();
  return (
    <div className="load-error">
      <p role="alert" className="error">{t('error')}: {message}</p>
      <button type="button" onClick={onRetry}>{t('retry')}</button>
    </div>
  );
}
