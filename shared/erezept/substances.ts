/**
 * Is the dispensed active substance the prescribed one? (docs/checks.md, PH_SUBSTANCE_DIFFERS.) The two sides name
 * substances in different ways — a Wirkstoffverordnung as the prescriber's software writes it, an article by its
 * data vendor — so names are compared after folding away what does not make another substance: case, umlauts,
 * spacing and hyphens, a parenthesised note, and the salt, ester or hydrate part („Amlodipinbesilat“,
 * „Diclofenac-Natrium“, „Candesartancilexetil“, „Amoxicillin-Trihydrat“).
 */

/** One active substance as either side knows it. */
export interface SubstanceRef {
  name: string;
  /** ATC code, when the side has one */
  atc?: string;
}

/**
 * Salt, ester and hydrate parts that do not change the active moiety. Longest first, so „trihydrat“ goes before
 * „hydrat“. Folded spelling (see `normalizeSubstanceName`).
 */
const SALT_SUFFIXES = [
  'sesquihydrat',
  'hemihydrat',
  'monohydrat',
  'hydrochlorid',
  'hydrobromid',
  'cilexetil',
  'medoxomil',
  'trihydrat',
  'magnesium',
  'dihydrat',
  'succinat',
  'phosphat',
  'mesilat',
  'mesylat',
  'besilat',
  'besylat',
  'fumarat',
  'tartrat',
  'natrium',
  'calcium',
  'pivoxil',
  'maleat',
  'citrat',
  'sulfat',
  'acetat',
  'kalium',
  'axetil',
  'hydrat',
  'hcl',
].sort((a, b) => b.length - a.length);

/**
 * What must remain of a name after stripping: „Magnesiumcitrat“ keeps „magnesium“, „Natrium“ stays „natrium“. A
 * cation in FRONT is never stripped — in „Kaliumchlorid“ and „Natriumchlorid“ it is the substance.
 */
const MIN_CORE = 4;

/** Case, umlauts (ä = ae), accents, spacing and punctuation folded away: "Levothyroxin-Natrium" → "levothyroxinnatrium". */
function fold(text: string): string {
  return text
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/ß/g, 'ss')
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]/g, '');
}

/**
 * The comparable core of a substance name: folded, then salt/ester/hydrate parts removed from the end as long as a
 * core of at least four letters stays. "Amlodipin besilat" and "Amlodipinbesilat" → "amlodipin";
 * "Natriumcromoglicat (Augentropfen)" → "natriumcromoglicat".
 */
export function normalizeSubstanceName(name: string): string {
  let core = fold(name);
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const suffix of SALT_SUFFIXES) {
      if (core.endsWith(suffix) && core.length - suffix.length >= MIN_CORE) {
        core = core.slice(0, -suffix.length);
        stripped = true;
        break;
      }
    }
  }
  return core;
}

const foldAtc = (atc: string | undefined): string | undefined => {
  const code = atc?.trim().toUpperCase();
  return code === undefined || code === '' ? undefined : code;
};

/**
 * The same active substance: the same ATC code when both sides have one, or the same normalised name. A name match
 * with differing ATC codes still counts (one substance as eye drops and as tablets has two ATC codes; the form rule
 * tells those apart), and so does an ATC match with differing names (two spellings of one substance).
 */
export function sameSubstance(a: SubstanceRef, b: SubstanceRef): boolean {
  const atcA = foldAtc(a.atc);
  const atcB = foldAtc(b.atc);
  if (atcA !== undefined && atcA === atcB) return true;
  const nameA = normalizeSubstanceName(a.name);
  return nameA !== '' && nameA === normalizeSubstanceName(b.name);
}

/**
 * Pairs each prescribed substance with a distinct dispensed one (combination products compare as sets, in any
 * order). `same` only when every substance on both sides found its partner; `pairs` holds [prescribed index,
 * dispensed index] of the partners found, for comparing their strengths.
 */
export function matchSubstances(
  prescribed: readonly SubstanceRef[],
  dispensed: readonly SubstanceRef[],
): { same: boolean; pairs: [number, number][] } {
  const taken = new Set<number>();
  const pairs: [number, number][] = [];
  prescribed.forEach((p, i) => {
    const j = dispensed.findIndex((d, k) => !taken.has(k) && sameSubstance(p, d));
    if (j >= 0) {
      taken.add(j);
      pairs.push([i, j]);
    }
  });
  return { same: pairs.length === prescribed.length && pairs.length === dispensed.length, pairs };
}
