/**
 * What the patient will see in the E-Rezept app once the list is sent (spec §3.4) — every $dispense
 * notifies the patient, so the pharmacist can check it first. Built by main; nothing is sent.
 */
import { useTranslation } from 'react-i18next';
import type { PatientView } from '../../../../../shared/ipc/contract';
import { Modal } from '../../../components/Modal';
import { formatDate } from '../../../lib/format';

export function PatientPreview({ view, onClose }: { view: PatientView; onClose(): void }) {
  const { t } = useTranslation();
  return (
    <Modal
      title={t('preview.title')}
      testId="patient-preview"
      onCancel={onClose}
      className="dialog-wide"
      actions={
        <button type="button" className="button-primary" data-testid="patient-preview-close" onClick={onClose}>
          {t('preview.close')} <kbd>Esc</kbd>
        </button>
      }
    >
      <p className="muted">{t('preview.intro', { pharmacy: view.pharmacyName })}</p>
      <div className="phone">
        <p className="phone-head">{t('preview.dispensedBy', { pharmacy: view.pharmacyName })}</p>
        <ol className="phone-items">
          {view.items.map((item, i) => (
            <li key={item.key} className="phone-item" data-testid={`patient-preview-item-${i}`}>
              <p className="phone-medication">{item.medication}</p>
              <p className="muted">
                {t('preview.packs', { count: item.packs })}
                {item.packSize ? ` · ${item.packSize}` : ''}
                {item.pzn ? ` · PZN ${item.pzn}` : ''}
              </p>
              {item.batch ? (
                <p className="muted">
                  {t('preview.batch', { batch: item.batch, date: item.batchExpiry ? formatDate(item.batchExpiry) : '–' })}
                </p>
              ) : null}
              <p>{t('preview.handedOver', { date: formatDate(item.whenHandedOver) })}</p>
              {item.dosage ? (
                <p>
                  {t(item.dosageSource === 'dispense' ? 'preview.dosageChanged' : 'preview.dosage', { dosage: item.dosage })}
                </p>
              ) : null}
              {item.substituted ? <p className="text-warning">{t('preview.substituted')}</p> : null}
            </li>
          ))}
        </ol>
      </div>
    </Modal>
  );
}
