/**
 * Test support for the pharmacy rules (dispensing-safety, quantity-check, pharmacy-checks, preflight tests): real demo
 * articles, a prescription around one prescribed medication, and entries as the editor fills them. Tests only.
 */
import type { Article } from '../../erezept/catalog/article-catalog';
import { demoCatalog } from '../../erezept/catalog/demo-catalog';
import type { DispenseEntry, DispensedMedication } from '../../erezept/dispense-entry';
import type { PrescribedMedication, PrescriptionView } from '../../erezept/prescription';

export type PznMedication = Extract<DispensedMedication, { kind: 'pzn' }>;

/** A real demo article (the catalogue the app ships), by trade name and Normgröße. */
export function demo(name: string, normSize: string): Article {
  const found = demoCatalog.all().find((a) => a.name === name && a.normSize === normSize);
  if (!found) throw new Error(`no demo article ${name} ${normSize}`);
  return found;
}

/** The demo catalogue as the rules' lookup. */
export const demoArticles = (pzn: string): Article | undefined => demoCatalog.byPzn(pzn);

/** A PZN prescription of `article`, with its pack size as the prescribed amount unless `amount` is false. */
export const prescribedPzn = (article: Article, amount = true): PrescribedMedication => ({
  kind: 'pzn',
  pzn: article.pzn,
  name: article.name,
  normSize: article.normSize,
  form: article.form,
  ...(amount ? { amount: article.packSize } : {}),
  vaccine: false,
});

export const prescriptionOf = (medication: PrescribedMedication, quantity = 1): PrescriptionView => ({
  kbvVersion: '1.4',
  prescriptionId: '160.000.033.491.280.78',
  authoredOn: '2026-10-01',
  patient: { name: 'Erika Mustermann', kvnr: 'X110411675' },
  coverage: { kind: 'GKV', code: '1', payorName: 'Demo-Kasse' },
  practitioner: { name: 'Dr. Demo' },
  organization: { name: 'Praxis Demo' },
  request: { quantity, autIdemExcluded: false, noctu: false },
  medication,
  findings: [],
});

/** A PZN entry as the editor fills it from the catalogue: name only, the rest comes from the article. */
export const pznMedication = (article: Article): PznMedication => ({
  kind: 'pzn',
  pzn: article.pzn,
  name: article.name,
  ingredients: [],
  category: '00',
  vaccine: false,
});

export const dispenseEntry = (medication: DispensedMedication, packs = 1, key = `row-${packs}`): DispenseEntry => ({
  key,
  medication,
  packs,
  serials: [],
  whenHandedOver: '2026-10-05',
});
