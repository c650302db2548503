/**
 * Reads an article master file, format version 1 (docs/article-master.md), into Articles — or into the problems
 * that refuse it, each naming its line and field in German. Pure: nothing is stored here; the service
 * (article-master.ts) replaces the master only when the whole file is valid (issue 19 item 2: a partial file
 * changes nothing).
 *
 * The format: CSV (RFC 4180 quoting with `"`), `;` between fields, UTF-8 with or without BOM, LF or CRLF. Line 1
 * `#Artikelstamm;Version=1[;Quelle=…][;Stand=JJJJ-MM-TT]`, line 2 the column names (any order), then one article per
 * line. Tokenising is csv-parse's (`csv-parse/sync`); every check of content is ours.
 */
import { parse } from 'csv-parse/sync';
import type { Article, ArticleImportProblem, ArticleIngredient } from '../../shared/erezept/catalog/article-catalog';
import { parsePzn, type Pzn } from '../../shared/erezept/identifiers';
import { parseAmount } from '../../shared/fhir/dispense/amount-text';

export const ARTICLE_FILE_VERSION = 1;
/** docs/article-master.md „Grenzen“ */
export const MAX_ARTICLE_FILE_BYTES = 64 * 1024 * 1024;
export const MAX_ARTICLES = 250_000;
/** problems listed one by one; the rest are counted („… und N weitere“) */
export const MAX_PROBLEMS_LISTED = 50;
/** one record (line) longer than this is certainly not an article */
const MAX_RECORD_BYTES = 64 * 1024;
/** what a problem about the file as a whole (size, encoding) carries as its line */
export const WHOLE_FILE = 0;

const REQUIRED_COLUMNS = ['pzn', 'name', 'packungsgroesse', 'darreichungsform', 'wirkstoffe', 'staerken', 'securpharm'] as const;
const OPTIONAL_COLUMNS = ['normgroesse', 'atc', 'kategorie', 'impfstoff', 'hersteller', 'avp', 'aep'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];
const KNOWN_COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

/** KBV_CS_SFHIR_KBV_NORMGROESSE */
const NORM_SIZES: readonly string[] = ['N1', 'N2', 'N3', 'KTP', 'KA', 'NB', 'Sonstiges'];
/** KBV Darreichungsform codes are 2–4 upper-case letters or digits (as shared/fhir/dispense/medication.ts codes them) */
const FORM_CODE = /^[A-Z0-9]{2,4}$/;
/** an ATC code of any level: A, A10, A10B, A10BA, A10BA02 */
const ATC_CODE = /^[A-Z](?:[0-9]{2}(?:[A-Z](?:[A-Z](?:[0-9]{2})?)?)?)?$/;
/** a strength: a positive number (decimal comma or point, no thousands separator) and a unit */
const STRENGTH = /^([0-9]+(?:[.,][0-9]+)?)\s*(\S.*)$/;
/** a price in euros: „12,34“, „12.34“, „12“ */
const PRICE = /^([0-9]{1,7})(?:[.,]([0-9]{1,2}))?$/;
const AS_OF = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const MAX_TEXT = 250;
const MAX_UNIT = 30;

export interface ArticleFile {
  articles: Article[];
  /** line 1's `Quelle=` and `Stand=` */
  source?: string;
  asOf?: string;
}

export type ArticleFileResult =
  | { ok: true; file: ArticleFile }
  /** the first MAX_PROBLEMS_LISTED problems, in file order, and how many there were in all */
  | { ok: false; problems: ArticleImportProblem[]; problemCount: number };

/** „Zeile 17, Feld „pzn“: Prüfziffer falsch.“ — or without line for a problem of the whole file. */
export function problemLine(problem: ArticleImportProblem): string {
  if (problem.line === WHOLE_FILE) return problem.message;
  return problem.field === undefined ? `Zeile ${problem.line}: ${problem.message}` : `Zeile ${problem.line}, Feld „${problem.field}“: ${problem.message}`;
}

/** Every listed problem on its own line, then „… und N weitere“ when more were counted. */
export function problemsText(problems: readonly ArticleImportProblem[], problemCount: number): string {
  const lines = problems.map(problemLine);
  const more = problemCount - problems.length;
  if (more > 0) lines.push(`… und ${germanCount(more)} weitere`);
  return lines.join('\n');
}

const germanCount = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

class Problems {
  readonly listed: ArticleImportProblem[] = [];
  count = 0;

  add(line: number, message: string, field?: string): void {
    this.count += 1;
    if (this.listed.length < MAX_PROBLEMS_LISTED) this.listed.push(field === undefined ? { line, message } : { line, field, message });
  }
}

/** Reads the whole file; any problem refuses all of it. `maxArticles`: the limit (tests set a smaller one). */
export function readArticleFile(text: string, maxArticles = MAX_ARTICLES): ArticleFileResult {
  const problems = new Problems();
  const refused = (): ArticleFileResult => ({ ok: false, problems: problems.listed, problemCount: problems.count });
  if (Buffer.byteLength(text, 'utf8') > MAX_ARTICLE_FILE_BYTES) {
    problems.add(WHOLE_FILE, `Die Datei ist größer als ${MAX_ARTICLE_FILE_BYTES / 1024 / 1024} MiB.`);
    return refused();
  }
  if (text.includes('\uFFFD')) {
    // what a decoder leaves for bytes that are no UTF-8 (a file saved as Windows-1252, say)
    problems.add(WHOLE_FILE, 'Die Datei ist nicht in UTF-8 gespeichert (Umlaute wären verfälscht). Bitte als „CSV UTF-8“ speichern.');
    return refused();
  }
  // Line 1 is tokenised on its own: it has fewer fields than the header, and csv-parse builds an (ignored) error for
  // every record whose length differs from the first one's — for 100,000 rows that cost seconds.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lineBreak = body.indexOf('\n');
  const firstLine = tokenise((lineBreak < 0 ? body : body.slice(0, lineBreak)).replace(/\r$/, ''), 1, 1, problems);
  const records = firstLine && tokenise(lineBreak < 0 ? '' : body.slice(lineBreak + 1), 2, maxArticles + 2, problems);
  if (!firstLine || !records) return refused();

  const [first] = firstLine;
  const [header, ...rows] = records;
  const meta = first ? readFirstLine(first, problems) : undefined;
  if (!first || !meta) {
    if (!first) problems.add(1, body.trim() === '' ? 'Die Datei ist leer.' : `Keine Artikelstamm-Datei: Die erste Zeile muss mit ${FIRST_LINE_EXAMPLE} beginnen.`);
    return refused();
  }
  if (!header) {
    problems.add(2, 'Die Kopfzeile mit den Spaltennamen fehlt.');
    return refused();
  }
  const columns = readHeader(header, problems);
  if (!columns) return refused();
  if (rows.length > maxArticles) {
    problems.add(WHOLE_FILE, `Die Datei enthält mehr als ${germanCount(maxArticles)} Artikel; so viele liest diese Programmversion nicht ein.`);
    return refused();
  }

  const articles: Article[] = [];
  const lineOfPzn = new Map<string, number>();
  for (const row of rows) {
    if (row.fields.every((f) => f.trim() === '')) continue; // a blank line or one of only `;`
    if (row.fields.length !== header.fields.length) {
      problems.add(row.line, `${row.fields.length} Felder statt ${header.fields.length} wie in der Kopfzeile.`);
      continue;
    }
    const article = readArticle(row, columns, problems);
    if (!article) continue;
    const earlier = lineOfPzn.get(article.pzn);
    if (earlier !== undefined) {
      problems.add(row.line, `PZN ${article.pzn} steht schon in Zeile ${earlier}.`, 'pzn');
      continue;
    }
    lineOfPzn.set(article.pzn, row.line);
    articles.push(article);
  }
  if (problems.count === 0 && articles.length === 0) problems.add(WHOLE_FILE, 'Die Datei enthält keine Artikel.');
  if (problems.count > 0) return refused();
  return { ok: true, file: { articles, ...meta } };
}

// ---------------------------------------------------------------------------------------------
// Tokenising: records with the line each starts on
// ---------------------------------------------------------------------------------------------

interface RecordAt {
  /** 1-based line the record starts on (a quoted field may span lines) */
  line: number;
  fields: string[];
}

/** The records of `text`, which starts on line `startLine` of the file; at most `maxRecords`. */
function tokenise(text: string, startLine: number, maxRecords: number, problems: Problems): RecordAt[] | undefined {
  const bytes = Buffer.from(text, 'utf8');
  /** where each record ended (after its line break), in bytes */
  const ends: number[] = [];
  let parsed: string[][];
  try {
    parsed = parse(bytes, {
      delimiter: ';',
      quote: '"',
      escape: '"',
      record_delimiter: ['\r\n', '\n'],
      relax_column_count: true,
      skip_empty_lines: true,
      // only the end offset is kept: csv-parse's info objects, kept for 100,000 records, cost more than the parsing
      on_record: (record: string[], context: { bytes: number }) => {
        ends.push(context.bytes);
        return record;
      },
      max_record_size: MAX_RECORD_BYTES,
      // the caller asks for one record more than allowed: enough to say the file is too long
      to: maxRecords,
    });
  } catch (error) {
    const line = lineOf(error);
    problems.add(line === WHOLE_FILE ? line : line + startLine - 1, csvErrorMessage(error));
    return undefined;
  }
  // a record starts after the previous one's end and any blank lines there
  const records: RecordAt[] = [];
  let position = 0;
  let line = startLine;
  parsed.forEach((fields, i) => {
    while (position < bytes.length && (bytes[position] === 0x0a || bytes[position] === 0x0d)) {
      if (bytes[position] === 0x0a) line += 1;
      position += 1;
    }
    records.push({ line, fields });
    for (const end = ends[i] ?? bytes.length; position < end; position += 1) if (bytes[position] === 0x0a) line += 1;
  });
  return records;
}

function lineOf(error: unknown): number {
  const lines = typeof error === 'object' && error !== null ? (error as { lines?: unknown }).lines : undefined;
  return typeof lines === 'number' && lines >= 1 ? lines : WHOLE_FILE;
}

function csvErrorMessage(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'Ein Anführungszeichen wird bis zum Ende der Datei nicht geschlossen.';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'Nach einem schließenden Anführungszeichen folgt weder „;“ noch das Zeilenende. Ein „"“ im Feld wird verdoppelt („""“).';
    case 'INVALID_OPENING_QUOTE':
      return 'Ein Anführungszeichen steht mitten in einem Feld. Felder mit „"“ ganz in Anführungszeichen setzen und „"“ darin verdoppeln.';
    case 'CSV_MAX_RECORD_SIZE':
      return `Die Zeile ist länger als ${MAX_RECORD_BYTES / 1024} KiB.`;
    default:
      return `Die Datei ist kein gültiges CSV (${typeof code === 'string' ? code : 'unbekannter Fehler'}).`;
  }
}

// ---------------------------------------------------------------------------------------------
// Line 1 and the header
// ---------------------------------------------------------------------------------------------

const FIRST_LINE_EXAMPLE = '„#Artikelstamm;Version=1“';

function readFirstLine(first: RecordAt, problems: Problems): { source?: string; asOf?: string } | undefined {
  const [marker, ...pairs] = first.fields.map((f) => f.trim());
  if (marker !== '#Artikelstamm') {
    problems.add(first.line, `Keine Artikelstamm-Datei: Die erste Zeile muss mit ${FIRST_LINE_EXAMPLE} beginnen.`);
    return undefined;
  }
  const values = new Map<string, string>();
  const before = problems.count;
  for (const pair of pairs) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const key = at < 0 ? pair : pair.slice(0, at).trim();
    if (at < 0 || !['Version', 'Quelle', 'Stand'].includes(key)) {
      problems.add(first.line, `„${excerpt(pair)}“ ist keine Angabe der ersten Zeile (bekannt: Version=, Quelle=, Stand=).`);
    } else if (values.has(key)) {
      problems.add(first.line, `„${key}“ steht zweimal in der ersten Zeile.`);
    } else {
      values.set(key, pair.slice(at + 1).trim());
    }
  }
  const version = values.get('Version');
  if (version === undefined) problems.add(first.line, `Die Formatversion fehlt: Die erste Zeile muss mit ${FIRST_LINE_EXAMPLE} beginnen.`);
  else if (version !== String(ARTICLE_FILE_VERSION)) {
    problems.add(first.line, `Formatversion „${excerpt(version)}“ wird nicht unterstützt; diese Programmversion liest Version ${ARTICLE_FILE_VERSION}.`);
  }
  const source = values.get('Quelle');
  if (source !== undefined && source.length > MAX_TEXT) problems.add(first.line, `Die Quelle ist länger als ${MAX_TEXT} Zeichen.`);
  const asOf = values.get('Stand');
  if (asOf !== undefined && !isDate(asOf)) problems.add(first.line, `Stand „${excerpt(asOf)}“ ist kein Datum im Format JJJJ-MM-TT.`);
  if (problems.count > before) return undefined;
  return { ...(source ? { source } : {}), ...(asOf ? { asOf } : {}) };
}

function isDate(text: string): boolean {
  const m = AS_OF.exec(text);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === text;
}

type ColumnIndex = ReadonlyMap<Column, number>;

function readHeader(header: RecordAt, problems: Problems): ColumnIndex | undefined {
  const columns = new Map<Column, number>();
  const before = problems.count;
  header.fields.forEach((raw, index) => {
    const name = raw.trim().toLowerCase();
    if (name === '') problems.add(header.line, `Spalte ${index + 1} hat keinen Namen.`);
    else if (!KNOWN_COLUMNS.includes(name)) problems.add(header.line, `Unbekannte Spalte „${excerpt(raw.trim())}“.`);
    else if (columns.has(name as Column)) problems.add(header.line, `Die Spalte „${name}“ steht zweimal in der Kopfzeile.`);
    else columns.set(name as Column, index);
  });
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    problems.add(header.line, `Es fehlen die Pflichtspalten ${missing.map((c) => `„${c}“`).join(', ')}.`);
  }
  return problems.count > before ? undefined : columns;
}

// ---------------------------------------------------------------------------------------------
// One article
// ---------------------------------------------------------------------------------------------

function readArticle(row: RecordAt, columns: ColumnIndex, problems: Problems): Article | undefined {
  const before = problems.count;
  const value = (column: Column): string => {
    const index = columns.get(column);
    // a line break or tab inside a quoted field is a space on the counter's screen
    return index === undefined ? '' : (row.fields[index] ?? '').replace(/\s+/g, ' ').trim();
  };
  const problem = (column: Column, message: string): undefined => {
    problems.add(row.line, message, column);
    return undefined;
  };
  const required = (column: Column): string | undefined => {
    const text = value(column);
    if (text === '') return problem(column, 'Pflichtfeld ist leer.');
    if (text.length > MAX_TEXT) return problem(column, `Länger als ${MAX_TEXT} Zeichen.`);
    return text;
  };

  const pzn = readPzn(value('pzn'), (m) => problem('pzn', m));
  const name = required('name');
  const packSize = required('packungsgroesse');
  if (packSize !== undefined && !parseAmount(packSize)?.unit) problem('packungsgroesse', `„${excerpt(packSize)}“ ist keine Menge mit Einheit wie „20 St“ oder „100 ml“.`);
  const formText = required('darreichungsform');
  const form = formText?.toUpperCase();
  if (form !== undefined && !FORM_CODE.test(form)) problem('darreichungsform', `„${excerpt(formText ?? '')}“ ist kein Code der KBV-Darreichungsformen (z. B. FTA, TAB).`);
  const ingredients = readIngredients(value('wirkstoffe'), value('staerken'), value('atc'), problem);
  const securPharm = readYesNo(value('securpharm'), 'securpharm', problem, undefined);
  const vaccine = readYesNo(value('impfstoff'), 'impfstoff', problem, false);
  const category = readCategory(value('kategorie'), problem);
  const normSize = value('normgroesse');
  const knownNormSize = NORM_SIZES.find((n) => n.toLowerCase() === normSize.toLowerCase());
  if (normSize !== '' && !knownNormSize) problem('normgroesse', `„${excerpt(normSize)}“ ist keine Normgröße (${NORM_SIZES.join(', ')}).`);
  const manufacturer = value('hersteller');
  if (manufacturer.length > MAX_TEXT) problem('hersteller', `Länger als ${MAX_TEXT} Zeichen.`);
  const retailCents = readPrice(value('avp'), 'avp', problem);
  const pharmacyPurchaseCents = readPrice(value('aep'), 'aep', problem);

  if (problems.count > before) return undefined;
  if (pzn === undefined || name === undefined || packSize === undefined || form === undefined || ingredients === undefined) return undefined;
  if (securPharm === undefined || vaccine === undefined || category === undefined) return undefined;
  const prices = {
    ...(retailCents !== undefined ? { retailCents } : {}),
    ...(pharmacyPurchaseCents !== undefined ? { pharmacyPurchaseCents } : {}),
  };
  return {
    pzn,
    name,
    packSize,
    ...(knownNormSize ? { normSize: knownNormSize } : {}),
    form,
    ingredients,
    category,
    vaccine,
    securPharm,
    ...(manufacturer ? { manufacturer } : {}),
    ...(Object.keys(prices).length > 0 ? { prices } : {}),
  };
}

type Complain = (column: Column, message: string) => undefined;

function readPzn(text: string, complain: (message: string) => undefined): Pzn | undefined {
  if (text === '') return complain('Pflichtfeld ist leer.');
  if (!/^[0-9]{8}$/.test(text)) {
    return complain(
      /^[0-9]{1,7}$/.test(text)
        ? `„${text}“ hat nur ${text.length} Ziffern; eine PZN hat 8 (führende Nullen mitschreiben – Tabellenkalkulationen entfernen sie gern).`
        : `„${excerpt(text)}“ ist keine PZN (8 Ziffern).`,
    );
  }
  const parsed = parsePzn(text);
  return parsed.ok ? parsed.data : complain('Prüfziffer falsch.');
}

function readIngredients(substancesText: string, strengthsText: string, atcText: string, complain: Complain): ArticleIngredient[] | undefined {
  if (substancesText === '') return complain('wirkstoffe', 'Pflichtfeld ist leer.');
  if (strengthsText === '') return complain('staerken', 'Pflichtfeld ist leer.');
  const substances = substancesText.split('|').map((s) => s.trim());
  const strengths = strengthsText.split('|').map((s) => s.trim());
  if (substances.some((s) => s === '')) return complain('wirkstoffe', 'Ein Wirkstoffname zwischen „|“ ist leer.');
  if (substances.some((s) => s.length > MAX_TEXT)) return complain('wirkstoffe', `Ein Wirkstoffname ist länger als ${MAX_TEXT} Zeichen.`);
  if (strengths.length !== substances.length) {
    return complain('staerken', `${strengths.length} Stärke(n) für ${substances.length} Wirkstoff(e); je Wirkstoff eine Stärke, getrennt mit „|“.`);
  }
  const atcs = atcText === '' ? [] : atcText.split('|').map((a) => a.trim().toUpperCase());
  if (atcs.length > 0 && atcs.length !== substances.length) {
    return complain('atc', `${atcs.length} ATC-Code(s) für ${substances.length} Wirkstoff(e); je Wirkstoff ein Code (oder leer), getrennt mit „|“.`);
  }
  const badAtc = atcs.find((a) => a !== '' && !ATC_CODE.test(a));
  if (badAtc !== undefined) return complain('atc', `„${excerpt(badAtc)}“ ist kein ATC-Code (z. B. C08CA01).`);
  const ingredients: ArticleIngredient[] = [];
  for (const [i, name] of substances.entries()) {
    const strength = STRENGTH.exec(strengths[i] ?? '');
    const value = strength ? Number((strength[1] ?? '').replace(',', '.')) : Number.NaN;
    const unit = strength?.[2]?.trim() ?? '';
    if (!strength || !(value > 0) || unit.length > MAX_UNIT) {
      return complain('staerken', `„${excerpt(strengths[i] ?? '')}“ ist keine Stärke aus Zahl und Einheit wie „5 mg“ oder „2,5 mg/ml“.`);
    }
    const atc = atcs[i];
    ingredients.push({ name, strengthValue: value, strengthUnit: unit, ...(atc ? { atc } : {}) });
  }
  return ingredients;
}

function readYesNo(text: string, column: Column, complain: Complain, absent: boolean | undefined): boolean | undefined {
  const folded = text.toLowerCase();
  if (folded === 'ja') return true;
  if (folded === 'nein') return false;
  if (text === '' && absent !== undefined) return absent;
  return complain(column, text === '' ? 'Pflichtfeld ist leer (ja oder nein).' : `„${excerpt(text)}“: bitte ja oder nein.`);
}

function readCategory(text: string, complain: Complain): Article['category'] | undefined {
  if (text === '') return '00';
  // a spreadsheet turns „01“ into „1“: both are read
  const category = /^0?[0-3]$/.test(text) ? (`0${text.slice(-1)}` as Article['category']) : undefined;
  return category ?? complain('kategorie', `„${excerpt(text)}“ ist keine Kategorie (00 Arzneimittel, 01 BtM, 02 T-Rezept, 03 sonstige).`);
}

function readPrice(text: string, column: Column, complain: Complain): number | undefined {
  if (text === '') return undefined;
  const m = PRICE.exec(text);
  if (!m) return complain(column, `„${excerpt(text)}“ ist kein Preis in Euro wie „12,34“.`);
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

/** A field as quoted in a message: at most 40 characters. */
const excerpt = (text: string): string => (text.length > 40 ? `${text.slice(0, 39)}…` : text);
