import { useEffect, useRef } from 'react';
import { useI18n } from './i18n';

/** A modal confirmation (the native dialog: focus trapped, Escape cancels). */
export function Confirm({ message, onConfirm, onCancel }: { message: string; onConfirm: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="confirm-msg" onCancel={(e) => (e.preventDefault(), onCancel())}>
      <p id="confirm-msg">{message}</p>
      <div className="actions">
        <button type="button" onClick={onCancel} autoFocus>{t('cancel')}</button>
        <button type="button" className="primary" onClick={onConfirm}>{t('confirm')}</button>
      </div>
    </dialog>
  );
}
