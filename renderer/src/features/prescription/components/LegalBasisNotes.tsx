/**
 * What the Rechtsgrundlage means at the counter (legal-basis-notes.ts): an Entlassrezept's short Belieferungsfrist —
 * with the date the Task carries (spec §1.2, A_19517), never one computed here — and small packs, an
 * Ersatzverordnung's missing co-payment, that ASV and TSS change nothing for the dispense. Nothing for 00 or an
 * unknown code.
 */
import { useTranslation } from 'react-i18next';
import { formatDate } from '../../../lib/format';
import { legalBasisNotes } from '../legal-basis-notes';

interface Props {
  code: string;
  /** the Task's Belieferungsfrist (YYYY-MM-DD) */
  acceptDate?: string;
}

export function LegalBasisNotes({ code, acceptDate }: Props) {
  const { t } = useTranslation();
  const notes = legalBasisNotes(code);
  if (notes.length === 0) return null;
  const special = notes.includes('discharge') || notes.includes('replacement');
  return (
    <ul className={special ? 'legal-basis-notes hint hint-warning' : 'legal-basis-notes hint hint-info'} data-testid="legal-basis-notes" data-code={code}>
      {notes.map((note) => (
        <li key={note} data-testid={`legal-basis-note-${note}`}>
          {note === 'discharge'
            ? acceptDate
              ? t('prescription.legalBasis.notes.discharge', { date: formatDate(acceptDate) })
              : t('prescription.legalBasis.notes.dischargeNoDate')
            : t(`prescription.legalBasis.notes.${note}`)}
        </li>
      ))}
    </ul>
  );
}
