/** A status word as a coloured, translated badge (active, disabled, ok, denied, alert, running …). */
import { DICTIONARIES, useI18n, type MessageKey } from '../i18n';

export function useWord() {
  const { lang } = useI18n();
  return (value: string) => (DICTIONARIES[lang] as Record<string, string>)[`st_${value.toLowerCase()}` as MessageKey] ?? value;
}

export function Badge({ value, testId }: { value: string; testId?: string }) {
  const word = useWord();
  return <span className={`badge ${value.toLowerCase()}`} data-testid={testId} data-value={value}>{word(value)}</span>;
}
