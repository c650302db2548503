/**
 * The dispense list a case starts with: one row taken from the prescription, handed over today (German local
 * date, A_27660). The pharmacist then corrects it (batch from the securPharm scan, substitutions …).
 *
 * A PZN prescription's row takes the article data from the catalogue (A_27033-01: substance, strength and trade name
 * for finished products; issue 19: a row taken over from the prescription was sent without them): the caller resolves
 * the prescribed PZN beforehand (claim.ts) and passes the lookup, so this stays pure.
 */
import type { Article, ArticleLookup } from '../../shared/erezept/catalog/article-catalog';
import { noArticles } from '../../shared/erezept/catalog/article-catalog';
import { dispenseEntrySchema, type DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { PrescriptionView } from '../../shared/erezept/prescription';

type Category = '00' | '01' | '02' | '03';
const categories: readonly string[] = ['00', '01', '02', '03'];
const category = (code: string | undefined): Category => (code && categories.includes(code) ? (code as Category) : '00');

/** "100 mg" → 100 / mg; anything else stays text-only (name without strength). */
function strength(text: string | undefined): { strengthValue?: number; strengthUnit?: string } {
  const m = /^\s*(\d+(?:[.,]\d+)?)\s*([^\s\d].*?)\s*$/.exec(text ?? '');
  if (!m) return {};
  const value = Number(m[1]!.replace(',', '.'));
  return value > 0 ? { strengthValue: value, strengthUnit: m[2] } : {};
}

function medicationFrom(view: PrescriptionView, articles: ArticleLookup): unknown {
  const m = view.medication;
  switch (m.kind) {
    case 'pzn': {
      const article = articles(m.pzn);
      if (article) return pznMedicationOf(article, m);
      return {
        kind: 'pzn',
        pzn: m.pzn,
        name: m.name,
        normSize: m.normSize,
        form: m.form,
        packSize: m.amount,
        ingredients: [],
        category: category(m.category),
        vaccine: m.vaccine,
      };
    }
    case 'freitext':
      return { kind: 'freitext', text: m.text, form: m.form, category: category(m.category), vaccine: m.vaccine };
    case 'wirkstoff':
      return {
        kind: 'wirkstoff',
        name: m.name,
        ingredients: m.ingredients.map((i) => ({ name: i.name, atc: i.atc, ...strength(i.strength) })),
        form: m.form,
        amount: m.amount,
        category: category(m.category),
        vaccine: m.vaccine,
      };
    case 'rezeptur':
      return {
        kind: 'rezeptur',
        name: m.name ?? 'Rezeptur',
        form: m.form,
        amount: m.amount,
        components: m.ingredients.map((i) => ({ name: i.name, pzn: i.pzn, amount: i.strength })),
        instructions: m.instructions,
        packaging: m.packaging,
        category: category(m.category),
        vaccine: m.vaccine,
      };
  }
}

type PznMedication = Extract<PrescriptionView['medication'], { kind: 'pzn' }>;

/**
 * The prescribed article as the catalogue knows it — what the editor fills when the PZN is typed (entry-editing.ts):
 * the catalogue's trade name, pack, form and substances; the prescription's Normgröße and form where the catalogue
 * has none.
 */
function pznMedicationOf(article: Article, prescribed: PznMedication): unknown {
  return {
    kind: 'pzn',
    pzn: prescribed.pzn,
    name: article.name,
    normSize: article.normSize ?? prescribed.normSize,
    form: article.form || prescribed.form,
    packSize: article.packSize || prescribed.amount,
    ingredients: article.ingredients.map((i) => ({
      name: i.name,
      ...(i.strengthValue > 0 ? { strengthValue: i.strengthValue, strengthUnit: i.strengthUnit } : {}),
      atc: i.atc,
    })),
    category: article.category,
    vaccine: article.vaccine,
  };
}

/**
 * One prefilled row, or none when the prescription lacks what a row needs (the pharmacist adds it by hand).
 * `articles`: the catalogue's articles, resolved for the prescribed PZN (Wirkstoff, Freitext and Rezeptur
 * prescriptions do not use it).
 */
export function initialDraft(view: PrescriptionView, today: string, key: string, articles: ArticleLookup = noArticles): DispenseEntry[] {
  const withArticle = draftEntry(view, today, key, articles);
  // catalogue data the entry cannot hold must not cost the row: then it is the prescription's alone, as before
  if (withArticle.length > 0 || articles === noArticles) return withArticle;
  return draftEntry(view, today, key, noArticles);
}

function draftEntry(view: PrescriptionView, today: string, key: string, articles: ArticleLookup): DispenseEntry[] {
  const packs = Number.isInteger(view.request.quantity) && view.request.quantity >= 1 ? view.request.quantity : 1;
  const parsed = dispenseEntrySchema.safeParse({
    key,
    medication: medicationFrom(view, articles),
    packs,
    serials: [],
    whenHandedOver: today,
    // A_28417: for PZN prescriptions the substitution flag must be set; the prescribed PZN is not a substitution.
    ...(view.medication.kind === 'pzn' ? { substituted: false } : {}),
  });
  return parsed.success ? [parsed.data] : [];
}

/** The label a case list shows for the prescribed medication. */
export function medicationLabel(view: PrescriptionView): string {
  const m = view.medication;
  switch (m.kind) {
    case 'pzn':
      return m.name;
    case 'freitext':
      return m.text;
    case 'wirkstoff':
      return m.name || m.ingredients.map((i) => i.name).join(', ');
    case 'rezeptur':
      return m.name ?? `Rezeptur: ${m.ingredients.map((i) => i.name).join(', ')}`;
  }
}
