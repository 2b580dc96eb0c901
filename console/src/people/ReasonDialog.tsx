/**
 * The confirmation of a change to access or to a customer's data: what will happen, why (kept,
 * masked, in the audit trail), and for what cannot be undone a phrase to type first.
 */
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n';

export interface ReasonDialogProps {
  message: string;
  /** Required unless false. */
  reasonRequired?: boolean;
  /** No reason asked at all: the action takes none (sign-off, whose decisions each carry their own). */
  noReason?: boolean;
  /** The text the person must type to confirm (erasure). */
  typed?: string;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}

export function ReasonDialog({ message, reasonRequired: asked = true, noReason = false, typed, onConfirm, onCancel }: ReasonDialogProps) {
  const reasonRequired = asked && !noReason;
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [phrase, setPhrase] = useState('');
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const ready = (!reasonRequired || reason.trim().length > 0) && (!typed || phrase.trim() === typed);
  return (
    <dialog ref={ref} aria-labelledby="reason-msg" onCancel={(e) => (e.preventDefault(), onCancel())}>
      <form method="dialog" onSubmit={(e) => (e.preventDefault(), ready && onConfirm(reason.trim()))}>
        <p id="reason-msg">{message}</p>
        {!noReason && (
          <label className="stack">
            {reasonRequired ? t('reasonLabel') : t('reasonOptional')}
            <textarea name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} required={reasonRequired} />
          </label>
        )}
        {typed && (
          <label className="stack">
            {t('typeToConfirm', { phrase: typed })}
            <input name="typed" autoComplete="off" value={phrase} onChange={(e) => setPhrase(e.target.value)} />
          </label>
        )}
        <div className="actions">
          <button type="button" onClick={onCancel} autoFocus>{t('cancel')}</button>
          <button type="submit" className="primary" disabled={!ready}>{t('confirm')}</button>
        </div>
      </form>
    </dialog>
  );
}
