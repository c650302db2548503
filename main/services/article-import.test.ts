/**
 * The article master file, format version 1 (docs/article-master.md): what is read, and every reason a file is
 * refused — named by line and field, in German, all of them (up to 50, then „… und N weitere“).
 */
import { describe, expect, it } from 'vitest';
import type { ArticleImportProblem } from '../../shared/erezept/catalog/article-catalog';
import { pznCheckDigit } from '../../shared/erezept/identifiers';
import { MAX_ARTICLE_FILE_BYTES, MAX_PROBLEMS_LISTED, problemLine, problemsText, readArticleFile, WHOLE_FILE, type ArticleFileResult } from './article-import';

const HEAD = '#Artikelstamm;Version=1;Quelle=Testdaten GmbH;Stand=2026-12-01';
const COLUMNS = 'pzn;name;packungsgroesse;darreichungsform;wirkstoffe;staerken;securpharm';
/** valid PZNs: 7 digits + check digit (a check result of 10 is skipped) */
function pzn(n: number): string {
  for (let base = n; ; base++) {
    const digits = String(base).padStart(7, '0');
    const check = pznCheckDigit(digits);
    if (check !== 10) return `${digits}${check}`;
  }
}
const AMLO = pzn(4_180_001);
const IBU = pzn(4_180_101);
const file = (...lines: string[]): string => lines.join('\n');

function problems(result: ArticleFileResult): ArticleImportProblem[] {
  if (result.ok) throw new Error('the file should have been refused');
  return result.problems;
}

/** the problems as the pharmacist reads them */
const refusal = (text: string): string[] => problems(readArticleFile(text)).map(problemLine);

describe('readArticleFile: what a valid file gives', () => {
  it('reads line 1, the header and every article with the optional columns', () => {
    const result = readArticleFile(
      file(
        HEAD,
        `${COLUMNS};normgroesse;atc;kategorie;impfstoff;hersteller;avp;aep`,
        `${AMLO};Amlodipin Test 5 mg Tabletten;20 St;TAB;Amlodipin;5 mg;ja;N1;C08CA01;00;nein;Testpharm;12,34;7.5`,
        `${IBU};"Kombi ""Duo"" 5 mg/80 mg";50 St;fta;Ramipril|Piretanid;"2,5 mg|6 mg";nein;;C09AA05|;1;;;;`,
      ),
    );
    expect(result).toEqual({
      ok: true,
      file: {
        source: 'Testdaten GmbH',
        asOf: '2026-12-01',
        articles: [
          {
            pzn: AMLO,
            name: 'Amlodipin Test 5 mg Tabletten',
            packSize: '20 St',
            normSize: 'N1',
            form: 'TAB',
            ingredients: [{ name: 'Amlodipin', strengthValue: 5, strengthUnit: 'mg', atc: 'C08CA01' }],
            category: '00',
            vaccine: false,
            securPharm: true,
            manufacturer: 'Testpharm',
            prices: { retailCents: 1234, pharmacyPurchaseCents: 750 },
          },
          {
            pzn: IBU,
            name: 'Kombi "Duo" 5 mg/80 mg',
            packSize: '50 St',
            form: 'FTA',
            ingredients: [
              { name: 'Ramipril', strengthValue: 2.5, strengthUnit: 'mg', atc: 'C09AA05' },
              { name: 'Piretanid', strengthValue: 6, strengthUnit: 'mg' },
            ],
            // „1“: a spreadsheet dropped the leading zero
            category: '01',
            vaccine: false,
            securPharm: false,
          },
        ],
      },
    });
  });

  it('takes a BOM, CRLF, columns in any order and any case, blank lines and lines of only „;“', () => {
    const result = readArticleFile(
      `\uFEFF#Artikelstamm;Version=1\r\nSecurPharm;STAERKEN;wirkstoffe;darreichungsform;packungsgroesse;name;pzn\r\n\r\nja;400 mg;Ibuprofen;FTA;20 St;Ibu;${IBU}\r\n;;;;;;\r\n`,
    );
    expect(result).toMatchObject({ ok: true, file: { articles: [{ pzn: IBU, name: 'Ibu', ingredients: [{ strengthValue: 400 }] }] } });
    expect(result.ok && result.file).not.toHaveProperty('source');
  });

  it('counts lines from the start of a record, also after a quoted field over two lines and blank lines', () => {
    const text = file(HEAD, COLUMNS, `${AMLO};"Zwei`, `Zeilen";20 St;TAB;Amlodipin;5 mg;ja`, '', `${pzn(99)};Falsch;20 St;TAB;Amlodipin;5 mg;vielleicht`);
    expect(refusal(text)).toEqual(['Zeile 6, Feld „securpharm“: „vielleicht“: bitte ja oder nein.']);
    const valid = readArticleFile(file(HEAD, COLUMNS, `${AMLO};"Zwei`, `Zeilen";20 St;TAB;Amlodipin;5 mg;ja`));
    expect(valid.ok && valid.file.articles[0]?.name).toBe('Zwei Zeilen');
  });
});

describe('readArticleFile: refusals name line and field', () => {
  const row = (fields: Partial<Record<string, string>>): string =>
    [fields.pzn ?? AMLO, fields.name ?? 'Amlodipin 5 mg', fields.pack ?? '20 St', fields.form ?? 'TAB', fields.substances ?? 'Amlodipin', fields.strengths ?? '5 mg', fields.secur ?? 'ja'].join(';');
  const one = (fields: Partial<Record<string, string>>): string[] => refusal(file(HEAD, COLUMNS, row(fields)));

  it.each([
    [{ pzn: `${AMLO.slice(0, 7)}${(Number(AMLO[7]) + 1) % 10}` }, 'Zeile 3, Feld „pzn“: Prüfziffer falsch.'],
    [{ pzn: '4180001' }, 'Zeile 3, Feld „pzn“: „4180001“ hat nur 7 Ziffern; eine PZN hat 8 (führende Nullen mitschreiben – Tabellenkalkulationen entfernen sie gern).'],
    [{ pzn: 'PZN-1' }, 'Zeile 3, Feld „pzn“: „PZN-1“ ist keine PZN (8 Ziffern).'],
    [{ pzn: '' }, 'Zeile 3, Feld „pzn“: Pflichtfeld ist leer.'],
    [{ name: ' ' }, 'Zeile 3, Feld „name“: Pflichtfeld ist leer.'],
    [{ name: 'x'.repeat(251) }, 'Zeile 3, Feld „name“: Länger als 250 Zeichen.'],
    [{ pack: 'Packung' }, 'Zeile 3, Feld „packungsgroesse“: „Packung“ ist keine Menge mit Einheit wie „20 St“ oder „100 ml“.'],
    [{ pack: '20' }, 'Zeile 3, Feld „packungsgroesse“: „20“ ist keine Menge mit Einheit wie „20 St“ oder „100 ml“.'],
    [{ form: 'Tabletten' }, 'Zeile 3, Feld „darreichungsform“: „Tabletten“ ist kein Code der KBV-Darreichungsformen (z. B. FTA, TAB).'],
    [{ substances: 'Amlodipin|Valsartan' }, 'Zeile 3, Feld „staerken“: 1 Stärke(n) für 2 Wirkstoff(e); je Wirkstoff eine Stärke, getrennt mit „|“.'],
    [{ substances: 'Amlodipin|', strengths: '5 mg|80 mg' }, 'Zeile 3, Feld „wirkstoffe“: Ein Wirkstoffname zwischen „|“ ist leer.'],
    [{ strengths: 'fünf mg' }, 'Zeile 3, Feld „staerken“: „fünf mg“ ist keine Stärke aus Zahl und Einheit wie „5 mg“ oder „2,5 mg/ml“.'],
    [{ strengths: '0 mg' }, 'Zeile 3, Feld „staerken“: „0 mg“ ist keine Stärke aus Zahl und Einheit wie „5 mg“ oder „2,5 mg/ml“.'],
    [{ strengths: '5' }, 'Zeile 3, Feld „staerken“: „5“ ist keine Stärke aus Zahl und Einheit wie „5 mg“ oder „2,5 mg/ml“.'],
    [{ secur: '' }, 'Zeile 3, Feld „securpharm“: Pflichtfeld ist leer (ja oder nein).'],
    [{ secur: 'yes' }, 'Zeile 3, Feld „securpharm“: „yes“: bitte ja oder nein.'],
  ])('%j', (fields, message) => {
    expect(one(fields)).toEqual([message]);
  });

  it('checks the optional columns when they hold something', () => {
    const text = file(
      HEAD,
      `${COLUMNS};normgroesse;atc;kategorie;impfstoff;avp;aep`,
      `${row({})};N4;C08CA01;04;vielleicht;12,345;-1`,
      `${row({ pzn: IBU, substances: 'A|B', strengths: '1 mg|2 mg' })};;C08CA01;;;;`,
      `${row({ pzn: pzn(7) })};;Amlodipin;;;;`,
    );
    expect(refusal(text)).toEqual([
      'Zeile 3, Feld „impfstoff“: „vielleicht“: bitte ja oder nein.',
      'Zeile 3, Feld „kategorie“: „04“ ist keine Kategorie (00 Arzneimittel, 01 BtM, 02 T-Rezept, 03 sonstige).',
      'Zeile 3, Feld „normgroesse“: „N4“ ist keine Normgröße (N1, N2, N3, KTP, KA, NB, Sonstiges).',
      'Zeile 3, Feld „avp“: „12,345“ ist kein Preis in Euro wie „12,34“.',
      'Zeile 3, Feld „aep“: „-1“ ist kein Preis in Euro wie „12,34“.',
      'Zeile 4, Feld „atc“: 1 ATC-Code(s) für 2 Wirkstoff(e); je Wirkstoff ein Code (oder leer), getrennt mit „|“.',
      'Zeile 5, Feld „atc“: „AMLODIPIN“ ist kein ATC-Code (z. B. C08CA01).',
    ]);
  });

  it('names both lines of a duplicate PZN', () => {
    expect(refusal(file(HEAD, COLUMNS, row({}), row({ pzn: IBU }), row({ name: 'Doppelt' })))).toEqual([`Zeile 5, Feld „pzn“: PZN ${AMLO} steht schon in Zeile 3.`]);
  });

  it('a line with more or fewer fields than the header', () => {
    expect(refusal(file(HEAD, COLUMNS, `${row({})};zuviel`, 'nur;drei;Felder'))).toEqual([
      'Zeile 3: 8 Felder statt 7 wie in der Kopfzeile.',
      'Zeile 4: 3 Felder statt 7 wie in der Kopfzeile.',
    ]);
  });

  it('line 1: the marker, the version, known entries only, a real date', () => {
    expect(refusal(file('pzn;name', COLUMNS, row({})))).toEqual(['Zeile 1: Keine Artikelstamm-Datei: Die erste Zeile muss mit „#Artikelstamm;Version=1“ beginnen.']);
    expect(refusal(file('#Artikelstamm', COLUMNS, row({})))).toEqual(['Zeile 1: Die Formatversion fehlt: Die erste Zeile muss mit „#Artikelstamm;Version=1“ beginnen.']);
    expect(refusal(file('#Artikelstamm;Version=2', COLUMNS, row({})))).toEqual(['Zeile 1: Formatversion „2“ wird nicht unterstützt; diese Programmversion liest Version 1.']);
    expect(refusal(file('#Artikelstamm;Version=1;Stand=2026-02-30;Lieferant=X;Quelle=A;Quelle=B', COLUMNS, row({})))).toEqual([
      'Zeile 1: „Lieferant=X“ ist keine Angabe der ersten Zeile (bekannt: Version=, Quelle=, Stand=).',
      'Zeile 1: „Quelle“ steht zweimal in der ersten Zeile.',
      'Zeile 1: Stand „2026-02-30“ ist kein Datum im Format JJJJ-MM-TT.',
    ]);
  });

  it('the header: unknown, doubled, unnamed and missing columns', () => {
    expect(refusal(file(HEAD, 'pzn;name;preis;name;;wirkstoffe', row({})))).toEqual([
      'Zeile 2: Unbekannte Spalte „preis“.',
      'Zeile 2: Die Spalte „name“ steht zweimal in der Kopfzeile.',
      'Zeile 2: Spalte 5 hat keinen Namen.',
      'Zeile 2: Es fehlen die Pflichtspalten „packungsgroesse“, „darreichungsform“, „staerken“, „securpharm“.',
    ]);
    expect(refusal(HEAD)).toEqual(['Zeile 2: Die Kopfzeile mit den Spaltennamen fehlt.']);
  });

  it('CSV that does not parse: the line of the broken quote', () => {
    expect(refusal(file(HEAD, COLUMNS, `${AMLO};Amlo"din;20 St;TAB;A;5 mg;ja`))).toEqual([
      'Zeile 3: Ein Anführungszeichen steht mitten in einem Feld. Felder mit „"“ ganz in Anführungszeichen setzen und „"“ darin verdoppeln.',
    ]);
    expect(refusal(file(HEAD, COLUMNS, `${AMLO};"Amlodin;20 St;TAB;A;5 mg;ja`))).toEqual([
      expect.stringMatching(/^Zeile \d+: Ein Anführungszeichen wird bis zum Ende der Datei nicht geschlossen\.$/),
    ]);
  });

  it('an empty file, a file without articles, a file not in UTF-8', () => {
    expect(refusal('')).toEqual(['Zeile 1: Die Datei ist leer.']);
    expect(refusal(`\n${file(HEAD, COLUMNS)}`)).toEqual(['Zeile 1: Keine Artikelstamm-Datei: Die erste Zeile muss mit „#Artikelstamm;Version=1“ beginnen.']);
    expect(refusal(file(HEAD, COLUMNS, ''))).toEqual(['Die Datei enthält keine Artikel.']);
    expect(refusal(file(HEAD, COLUMNS, row({ name: 'Amlodipin M\uFFFDller' })))).toEqual([
      'Die Datei ist nicht in UTF-8 gespeichert (Umlaute wären verfälscht). Bitte als „CSV UTF-8“ speichern.',
    ]);
  });

  it('limits: 64 MiB and the number of articles', () => {
    expect(refusal('x'.repeat(MAX_ARTICLE_FILE_BYTES + 1))).toEqual(['Die Datei ist größer als 64 MiB.']);
    const three = file(HEAD, COLUMNS, row({}), row({ pzn: IBU }), row({ pzn: pzn(7) }));
    expect(readArticleFile(three, 3).ok).toBe(true);
    expect(problems(readArticleFile(three, 2))).toEqual([{ line: WHOLE_FILE, message: 'Die Datei enthält mehr als 2 Artikel; so viele liest diese Programmversion nicht ein.' }]);
  });

  it('lists the first 50 problems of a file, in order, and counts the rest', () => {
    const rows = Array.from({ length: 60 }, (_, i) => row({ pzn: pzn(1000 + i), secur: 'x' }));
    const result = readArticleFile(file(HEAD, COLUMNS, ...rows));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problemCount).toBe(60);
    expect(result.problems).toHaveLength(MAX_PROBLEMS_LISTED);
    expect(result.problems[0]).toEqual({ line: 3, field: 'securpharm', message: '„x“: bitte ja oder nein.' });
    const text = problemsText(result.problems, result.problemCount).split('\n');
    expect(text).toHaveLength(51);
    expect(text[49]).toBe('Zeile 52, Feld „securpharm“: „x“: bitte ja oder nein.');
    expect(text[50]).toBe('… und 10 weitere');
  });
});
