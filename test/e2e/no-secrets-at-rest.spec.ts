/**
 * Data at rest (architecture §7, README „Data at rest“): after a full run — scan → $dispense → $close → receipt,
 * one prescription returned with $reject (A_19241–A_19251), and a patient's Zuweisung fetched into „Nachrichten“
 * (spec §3.11: name, address, phone and hint only encrypted) — neither the app's data folder nor its logs hold a
 * Secret, an AccessCode, a patient's name or a KVNR in a readable form. Secrets and AccessCodes are credentials
 * (spec §3.2, A_19169-01: whoever has them can dispense or delete the prescription); names and KVNRs are
 * health data. The store keeps them only through the Cipher (AES-256-GCM) and the KVNR only as an HMAC.
 *
 * What is searched: every file below the data folder, recursively, raw bytes — erx.db, erx.db-wal,
 * erx.db-shm and anything else — twice: a copy taken while the app is still running (a crash leaves the WAL
 * as it is) and the files after a clean stop. Not searched: the key files (data.key, store.key,
 * data-key.safe — they are keys, not data) and `<dataDir>/training/simulator/`, which is the embedded Fachdienst
 * simulator's own state: it IS the Fachdienst, it must hold these values, and it is used here as the control
 * that proves the search finds them. The captured stdout + stderr of the app process are the logs.
 *
 * How: each value is searched as UTF-8 and UTF-16LE (ASCII case folded, so an upper- or lower-cased search
 * copy is found too), also in Unicode NFD, and Secrets/AccessCodes also as the 32 raw bytes of their hex —
 * in the bytes as they are and in every base64/base64url run decoded (how a blob or a signed document in a
 * text column would hold it; the simulator keeps the signed prescription that way). Names: the full name as
 * the app shows it and each part of at least 5 characters. Every searched value must be found by the same
 * search where it has to be (the simulator's folder, the token text, the demo tokens in the output) — a
 * broken search cannot pass.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { test, expect } from '@playwright/test';
import { TRAINING_DIR_NAME } from '../../main/training/data-layout';
import { startBrowserMode } from './kit/browser-mode';
import { CounterPage } from './kit/counter-page';
import { EditorPage } from './kit/editor-page';
import { InboxPage } from './kit/inbox-page';
import { MessagesPage } from './kit/messages-page';
import { PrescriptionPage } from './kit/prescription-page';
import { ReceiptPage } from './kit/receipt-page';
import { SimulatorHandle, type CreatedPrescription } from './kit/simulator';

/**
 * Training data lives under `<dataDir>/training/` (main/training/data-layout.ts): the store, its keys and the
 * embedded simulator's folder (main/core.ts startBackend) — the Fachdienst.
 */
const STORE_FILE = join(TRAINING_DIR_NAME, 'erx.db');
const SIMULATOR_FOLDER = join(TRAINING_DIR_NAME, 'simulator');
/** Keys, not data (main/store/data-protection.ts, main/store/kvnr-key.ts). */
const KEY_FILES = new Set(['data.key', 'store.key', 'data-key.safe'].map((name) => join(TRAINING_DIR_NAME, name)));
/** A run of base64 (or base64url) characters at least this long is decoded and searched, too. */
const BASE64_RUN = /[A-Za-z0-9+/_-]{16,}/g;

type Kind = 'Secret' | 'AccessCode' | 'KVNR' | 'name' | 'message';

interface Needle {
  kind: Kind;
  /** what the report says instead of the value itself — the report must not leak it either */
  label: string;
  value: string;
}

interface Haystack {
  name: string;
  bytes: Buffer;
  /** the same bytes with A–Z folded to a–z */
  folded: Buffer;
  /** every base64 run decoded (A–Z folded): how a blob or a signed document in a text column holds a value */
  decoded: Buffer;
}

interface Variant {
  encoding: string;
  bytes: Buffer;
  /** compare with the folded views (text) or the raw bytes (binary) */
  folded: boolean;
}

const foldAscii = (bytes: Buffer): Buffer => {
  const out = Buffer.from(bytes);
  for (let i = 0; i < out.length; i++) {
    const b = out[i]!;
    if (b >= 0x41 && b <= 0x5a) out[i] = b + 0x20;
  }
  return out;
};

/**
 * Each base64 run decoded from each of its four character offsets: a long value in SQLite is split over
 * overflow pages (each starting with a page pointer), so a run can start anywhere in a 4-character group.
 * Node's base64 decoder takes both alphabets.
 */
function decodeBase64Runs(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const match of bytes.toString('latin1').matchAll(BASE64_RUN)) {
    // Node decodes a last, incomplete group as far as it goes, so a value at the end of a run is not lost.
    for (let offset = 0; offset < 4; offset++) parts.push(Buffer.from(match[0].slice(offset), 'base64'), Buffer.from([0]));
  }
  return foldAscii(Buffer.concat(parts));
}

const haystack = (name: string, bytes: Buffer): Haystack => ({ name, bytes, folded: foldAscii(bytes), decoded: decodeBase64Runs(bytes) });

function variantsOf(needle: Needle): Variant[] {
  const texts = [...new Set([needle.value, needle.value.normalize('NFC'), needle.value.normalize('NFD')])];
  const variants: Variant[] = texts.flatMap((text) => [
    { encoding: 'UTF-8', bytes: foldAscii(Buffer.from(text, 'utf8')), folded: true },
    { encoding: 'UTF-16LE', bytes: foldAscii(Buffer.from(text, 'utf16le')), folded: true },
  ]);
  if (/^[0-9a-f]{64}$/i.test(needle.value)) {
    variants.push({ encoding: 'raw bytes of the hex', bytes: Buffer.from(needle.value, 'hex'), folded: false });
  }
  return variants;
}

/** Where (which haystack, in which encoding) a needle occurs. */
function occurrences(needle: Needle, haystacks: readonly Haystack[]): string[] {
  const found: string[] = [];
  for (const variant of variantsOf(needle)) {
    for (const h of haystacks) {
      if ((variant.folded ? h.folded : h.bytes).includes(variant.bytes)) found.push(`${h.name} (${variant.encoding})`);
      if (h.decoded.includes(variant.folded ? variant.bytes : foldAscii(variant.bytes))) found.push(`${h.name} (${variant.encoding}, base64)`);
    }
  }
  return found;
}

/** Every file below `root`, relative paths, skipping `skip(relativePath)`. */
function filesBelow(root: string, skip: (rel: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const rel = relative(root, full);
      if (skip(rel)) continue;
      if (statSync(full).isDirectory()) walk(full);
      else out.push(rel);
    }
  };
  walk(root);
  return out;
}

const isSimulatorPath = (rel: string): boolean => rel === SIMULATOR_FOLDER || rel.startsWith(SIMULATOR_FOLDER + sep);
const isKeyFile = (rel: string): boolean => KEY_FILES.has(rel);

/**
 * Reads files as they are. A WAL file is read before its database, so a checkpoint running in between cannot
 * hide a row from both (it is in the WAL before the checkpoint and in the database after it).
 */
function readAll(root: string, files: readonly string[], prefix: string): Haystack[] {
  const walFirst = [...files].sort((a, b) => Number(b.endsWith('-wal')) - Number(a.endsWith('-wal')));
  const out: Haystack[] = [];
  for (const rel of walFirst) {
    try {
      out.push(haystack(`${prefix}${rel}`, readFileSync(join(root, rel))));
    } catch {
      // a -wal/-shm file can vanish between listing and reading (checkpoint, close): nothing to search then
    }
  }
  return out;
}

const hexOf = (token: string): string => /ac=([0-9a-f]{64})/i.exec(token)?.[1] ?? '';

test('after a full run, neither the data folder nor the logs hold a Secret, AccessCode, name, KVNR or a patient\'s message', async ({ page }) => {
  test.setTimeout(90_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'erx-e2e-at-rest-'));
  const app = await startBrowserMode({ dataDir });
  let stopped = false;
  try {
    const sim = new SimulatorHandle(app.simulatorUrl!);
    const counter = new CounterPage(page);
    const editor = new EditorPage(page);
    const prescription = new PrescriptionPage(page);
    const receipt = new ReceiptPage(page);
    const inbox = new InboxPage(page);
    const closed = await sim.createPrescription({ flowType: '160' });
    const returned = await sim.createPrescription({ flowType: '160' });

    // 1. scan → $dispense → $close → receipt
    await counter.open(app.appUrl);
    await counter.chooseStaff('AB');
    await counter.scan(closed.dataMatrix);
    await expect(prescription.prescriptionId).toHaveText(closed.taskId);
    await expect(prescription.patientKvnr).toHaveText(closed.kvnr);
    const closedName = (await prescription.patientName.innerText()).trim();
    await editor.field(0, 'batch').fill('REST-1');
    await editor.field(0, 'expiry').fill('2028-03-31');
    await editor.submit();
    await expect(editor.confirmation).toBeVisible();
    await editor.close();
    await expect(receipt.root).toBeVisible();
    const telematikId = (await receipt.telematikId.innerText()).trim();
    // the Fachdienst keeps the Secret of a completed Task; the pharmacy that holds it may read it (spec §3.3)
    const closedSecret = await sim.secretOf(closed.taskId, closed.accessCode, telematikId);
    expect(closedSecret, 'the Secret of the closed prescription, read from the Fachdienst').toMatch(/^[0-9a-f]{64}$/i);

    // 2. scan → „Rezept zurückgeben“ ($reject): the Fachdienst forgets the Secret, the app keeps only id, status,
    //    times and staff (A_19251)
    await inbox.show();
    await counter.scan(returned.dataMatrix);
    await expect(prescription.prescriptionId).toHaveText(returned.taskId);
    await expect(prescription.patientKvnr).toHaveText(returned.kvnr);
    const returnedName = (await prescription.patientName.innerText()).trim();
    const returnedSecret = await sim.secretOf(returned.taskId, returned.accessCode, telematikId);
    expect(returnedSecret, 'the Secret of the accepted prescription, read from the Fachdienst').toMatch(/^[0-9a-f]{64}$/i);
    // the Fachdienst's own copy while it still holds that Secret: the control for it
    const simulatorWhileAccepted = readAll(join(dataDir, SIMULATOR_FOLDER), filesBelow(join(dataDir, SIMULATOR_FOLDER), () => false), 'simulator (before $reject)/');
    await prescription.reject();
    await expect(prescription.ended).toContainText('Zurückgegeben am');
    await expect(prescription.status).toHaveAttribute('data-status', 'rejected');

    // 3. a patient's Zuweisung fetched into „Nachrichten“ and left open: its wish is personal data like a name
    const assigned = await sim.createPrescription({ flowType: '160' });
    const wish = { name: 'Wilhelmine Zuweisungsberg', phone: '0301234987', hint: 'Klingel Hinterhaus Querweg', address: ['Zuweisungsallee 77'] };
    await sim.assignPrescription(assigned.taskId, { supplyOptionsType: 'delivery', ...wish }, telematikId);
    const messages = new MessagesPage(page);
    await messages.open();
    await messages.refresh();
    await expect(messages.request(assigned.taskId).getByTestId('message-wish-name')).toContainText(wish.name);

    // 4. the files as a crash would leave them, then after a clean stop
    const live = filesBelow(dataDir, (rel) => isSimulatorPath(rel) || isKeyFile(rel));
    const liveHaystacks = readAll(dataDir, live, 'running: ');
    await app.stop();
    stopped = true;
    const atRest = filesBelow(dataDir, (rel) => isSimulatorPath(rel) || isKeyFile(rel));
    const restHaystacks = readAll(dataDir, atRest, 'stopped: ');
    const logs = haystack('app output (stdout + stderr)', Buffer.from(app.output(), 'utf8'));
    const simulatorFiles = filesBelow(join(dataDir, SIMULATOR_FOLDER), () => false);
    const simulator = readAll(join(dataDir, SIMULATOR_FOLDER), simulatorFiles, 'simulator/');
    const keyFiles = filesBelow(dataDir, (rel) => isSimulatorPath(rel)).filter(isKeyFile);

    const checked = [...liveHaystacks, ...restHaystacks].map((h) => `${h.name} (${h.bytes.length} bytes)`);
    test.info().annotations.push(
      { type: 'searched', description: [...checked, logs.name].join('; ') },
      { type: 'not searched (keys)', description: keyFiles.join(', ') },
      { type: 'not searched (the Fachdienst itself, used as control)', description: simulatorFiles.map((f) => `simulator/${f}`).join(', ') },
    );
    console.log(`searched: ${[...checked, logs.name].join(', ')}\nnot searched: keys ${keyFiles.join(', ')}; ${SIMULATOR_FOLDER}/ (the Fachdienst)`);
    // the search is only worth something if the store was there to be searched
    expect(atRest, 'the data folder after the run').toContain(STORE_FILE);
    expect(restHaystacks.find((h) => h.name === `stopped: ${STORE_FILE}`)?.bytes.length ?? 0).toBeGreaterThan(4096);
    expect(live.some((rel) => rel.startsWith(STORE_FILE)), 'the store while running').toBe(true);

    // 5. what must not be there
    const nameNeedles = (name: string, whose: string): Needle[] => {
      const words = name.split(/[\s,]+/).filter((w) => w.length >= 5);
      return [{ kind: 'name', label: `name of ${whose}`, value: name }, ...words.map((w, i) => ({ kind: 'name' as const, label: `name part ${i + 1} of ${whose}`, value: w }))];
    };
    const person = (p: CreatedPrescription, whose: string, secret: string, name: string): Needle[] => [
      { kind: 'Secret', label: `Secret of ${whose}`, value: secret },
      { kind: 'AccessCode', label: `AccessCode of ${whose}`, value: p.accessCode },
      { kind: 'KVNR', label: `KVNR of ${whose}`, value: p.kvnr },
      ...nameNeedles(name, whose),
    ];
    const messageNeedles: Needle[] = [
      { kind: 'message', label: 'name in the Zuweisung', value: 'Zuweisungsberg' },
      { kind: 'message', label: 'phone in the Zuweisung', value: wish.phone },
      { kind: 'message', label: 'hint in the Zuweisung', value: 'Hinterhaus Querweg' },
      { kind: 'message', label: 'address in the Zuweisung', value: 'Zuweisungsallee' },
      { kind: 'AccessCode', label: 'AccessCode of the assigned prescription', value: assigned.accessCode },
    ];
    const needles = [
      ...person(closed, 'the closed prescription', closedSecret!, closedName),
      ...person(returned, 'the returned prescription', returnedSecret!, returnedName),
      ...messageNeedles,
    ];
    // The demo prescriptions' tokens are printed on stdout by contract (web-main.ts) and kept in the settings
    // through the Cipher (demo-prescriptions.ts): in the output they must be, in the files they must not.
    const demoCodes: Needle[] = app.seededTokens.map((t, i) => ({ kind: 'AccessCode', label: `AccessCode of demo token ${i + 1}`, value: hexOf(t) }));
    expect(demoCodes.length).toBeGreaterThan(0);
    expect(demoCodes.every((n) => n.value.length === 64)).toBe(true);
    expect(closedName.length).toBeGreaterThan(3);
    expect(returnedName.length).toBeGreaterThan(3);

    const leaks = [
      ...needles.flatMap((n) => occurrences(n, [...liveHaystacks, ...restHaystacks, logs]).map((where) => `${n.label} in ${where}`)),
      ...demoCodes.flatMap((n) => occurrences(n, [...liveHaystacks, ...restHaystacks]).map((where) => `${n.label} in ${where}`)),
    ];
    expect(leaks, 'Secrets, AccessCodes, names or KVNRs readable in the data folder or the logs').toEqual([]);

    // 6. the controls: the same search finds every value where it has to be
    const tokens = [haystack('token of the closed prescription', Buffer.from(closed.token)), haystack('token of the returned prescription', Buffer.from(returned.token))];
    const mustBeFound: { needle: Needle; where: Haystack[] }[] = [
      // the Fachdienst keeps AccessCode and KVNR of both, the Secret of the completed Task, and the signed
      // prescription (names inside, base64 in a text column)
      ...needles.filter((n) => n.kind === 'AccessCode' || n.kind === 'KVNR').map((needle) => ({ needle, where: simulator })),
      ...needles.filter((n) => n.kind === 'AccessCode' && !messageNeedles.includes(n)).map((needle) => ({ needle, where: tokens })),
      { needle: needles.find((n) => n.label === 'Secret of the closed prescription')!, where: simulator },
      { needle: needles.find((n) => n.label === 'Secret of the returned prescription')!, where: simulatorWhileAccepted },
      ...needles.filter((n) => n.kind === 'name' && n.label.startsWith('name part')).map((needle) => ({ needle, where: simulator })),
      ...demoCodes.map((needle) => ({ needle, where: [logs] })),
      // the Fachdienst keeps the patient's message as sent
      ...messageNeedles.map((needle) => ({ needle, where: simulator })),
    ];
    const missed = mustBeFound.filter(({ needle, where }) => occurrences(needle, where).length === 0).map(({ needle, where }) => `${needle.label} not found in ${where.map((h) => h.name).join(', ')}`);
    expect(missed, 'the control: the search finds the values where they are').toEqual([]);
    expect(needles.filter((n) => n.kind === 'name' && n.label.startsWith('name part')).length, 'family names to search').toBeGreaterThanOrEqual(2);
  } finally {
    if (!stopped) await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
