import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makePrescriptionId, pharmacyFlowTypes, type AccessCode, type PrescriptionId } from './identifiers';
import { acceptPathOf, formatToken, parseErezeptCode, type TokenErrorReason } from './token';

if (process.env.CI === 'true') fc.configureGlobal({ seed: 42 });

// The example of spec §2 (api-erp).
const AC = '777bea0e13cc9c42ceec14aec3ddee2263325dc2c6c699db115f58fe423607ea';
const ID = '160.000.000.000.123.76';
const TOKEN = `Task/${ID}/$accept?ac=${AC}`;
const SPEC_EXAMPLE = `{"urls":["${TOKEN}"]}`;

const AC2 = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const TOKEN2 = `Task/200.000.000.000.001.68/$accept?ac=${AC2}`;
const TOKEN3 = `Task/169.000.000.000.001.62/$accept?ac=${'f'.repeat(64)}`;
const TOKEN4 = `Task/209.000.000.000.001.76/$accept?ac=${'e'.repeat(64)}`;

function reasonOf(input: string): TokenErrorReason | 'ok' {
  const r = parseErezeptCode(input);
  return r.ok ? 'ok' : r.error.reason;
}

describe('parseErezeptCode: what real codes look like (spec §2, A_19553-01, A_19554)', () => {
  it('reads the spec example', () => {
    expect(parseErezeptCode(SPEC_EXAMPLE)).toEqual({
      ok: true,
      data: [{ prescriptionId: ID, accessCode: AC, token: TOKEN }],
    });
  });

  it('reads a bare token as typed or scanned', () => {
    const r = parseErezeptCode(TOKEN);
    expect(r.ok && r.data.map((t) => t.prescriptionId)).toEqual([ID]);
  });

  it('reads three tokens in code order', () => {
    const r = parseErezeptCode(JSON.stringify({ urls: [TOKEN, TOKEN2, TOKEN3] }));
    expect(r.ok && r.data.map((t) => t.token)).toEqual([TOKEN, TOKEN2, TOKEN3]);
  });

  it('tolerates whitespace and line breaks around and inside the JSON', () => {
    const pretty = `\r\n  {\n  "urls" : [\n    "${TOKEN}" ,\r\n\t"${TOKEN2}"\n  ]\n}\n\n`;
    const r = parseErezeptCode(pretty);
    expect(r.ok && r.data).toHaveLength(2);
    expect(reasonOf(`  ${TOKEN}\r\n`)).toBe('ok');
  });

  it('decodes JSON escapes, then checks the decoded token as strictly as any other', () => {
    // Some encoders write "\/" for "/".
    expect(reasonOf(`{"urls":["${TOKEN.replaceAll('/', '\\/')}"]}`)).toBe('ok');
    expect(reasonOf(`{"urls":["Task/160.000.000.000.123.76/\\u0024accept?ac=${AC}"]}`)).toBe('ok');
    expect(reasonOf(`{"urls":["${TOKEN}\\u0000"]}`)).toBe('control-characters');
    expect(reasonOf(`{"urls":["${TOKEN}\\n"]}`)).toBe('control-characters');
    expect(reasonOf(`{"urls":["${TOKEN}\\u00a0"]}`)).toBe('trailing-garbage');
  });

  it.each(pharmacyFlowTypes)('accepts flow type %s', (flow) => {
    const id = makePrescriptionId(flow, 4711n);
    expect(reasonOf(`Task/${id}/$accept?ac=${AC}`)).toBe('ok');
  });
});

describe('formatToken and acceptPathOf', () => {
  it('build the canonical token and the relative $accept path without the AccessCode', () => {
    expect(formatToken(ID as PrescriptionId, AC as AccessCode)).toBe(TOKEN);
    const r = parseErezeptCode(TOKEN);
    if (!r.ok) throw new Error('expected ok');
    expect(acceptPathOf(r.data[0]!)).toBe(`Task/${ID}/$accept`);
    expect(acceptPathOf(r.data[0]!)).not.toContain(AC);
  });
});

describe('parseErezeptCode: hostile and broken input (A_22078)', () => {
  const cases: Array<[string, string, TokenErrorReason]> = [
    // empty, size, control characters
    ['empty', '', 'empty'],
    ['only whitespace', ' \r\n\t ', 'empty'],
    ['oversized', `{"urls":["${TOKEN}"]}${' '.repeat(2100)}`, 'too-long'],
    ['NUL byte', `${TOKEN}\u0000`, 'control-characters'],
    ['escape sequence', `\u001b[2J${SPEC_EXAMPLE}`, 'control-characters'],
    ['DEL', `${TOKEN}\u007f`, 'control-characters'],
    ['C1 control', `\u0085${TOKEN}`, 'control-characters'],
    ['group separator', `${TOKEN}\u001d`, 'control-characters'],
    // JSON shape
    ['broken JSON', '{"urls":["Task/160.000.000.000.123.76/$accept?ac=', 'not-json'],
    ['unbalanced', '{"urls":[}', 'not-json'],
    ['single quotes', `{'urls':['${TOKEN}']}`, 'not-json'],
    ['trailing comma', `{"urls":["${TOKEN}",]}`, 'not-json'],
    ['zero-width space between tokens', `{"urls":["${TOKEN}",\u200b"${TOKEN2}"]}`, 'not-json'],
    ['NBSP inside the JSON', `{"urls":\u00a0["${TOKEN}"]}`, 'not-json'],
    ['array at top level', `["${TOKEN}"]`, 'bad-shape'],
    ['urls not an array', `{"urls":"${TOKEN}"}`, 'bad-shape'],
    ['number in urls', `{"urls":[1]}`, 'bad-shape'],
    ['nested array', `{"urls":[["${TOKEN}"]]}`, 'bad-shape'],
    ['extra key', `{"urls":["${TOKEN}"],"pwned":true}`, 'bad-shape'],
    ['other key only', `{"url":["${TOKEN}"]}`, 'bad-shape'],
    ['prototype key', `{"urls":["${TOKEN}"],"__proto__":{"x":1}}`, 'bad-shape'],
    ['duplicate urls key', `{"urls":["${TOKEN3}"],"urls":["${TOKEN}"]}`, 'bad-shape'],
    ['escaped key', `{"\\u0075rls":["${TOKEN}"]}`, 'bad-shape'],
    ['empty object', '{}', 'bad-shape'],
    ['empty urls', '{"urls":[]}', 'no-tokens'],
    ['four tokens', JSON.stringify({ urls: [TOKEN, TOKEN2, TOKEN3, TOKEN4] }), 'too-many-tokens'],
    ['duplicate token', JSON.stringify({ urls: [TOKEN, TOKEN] }), 'duplicate-token'],
    [
      'same id, other AccessCode',
      JSON.stringify({ urls: [TOKEN, `Task/${ID}/$accept?ac=${AC2}`] }),
      'duplicate-token',
    ],
    // trailing garbage after the JSON or the token
    ['text after the JSON', `${SPEC_EXAMPLE}pwned`, 'trailing-garbage'],
    ['second object', `${SPEC_EXAMPLE}${SPEC_EXAMPLE}`, 'trailing-garbage'],
    ['ASCII padding after the JSON', `${SPEC_EXAMPLE}AAAAAAAAAAAAAAAAAAAA`, 'trailing-garbage'],
    ['NBSP after the JSON', `${SPEC_EXAMPLE}\u00a0`, 'trailing-garbage'],
    ['zero-width space after the JSON', `${SPEC_EXAMPLE}\u200b`, 'trailing-garbage'],
    ['BOM after the token', `${TOKEN}\ufeff`, 'trailing-garbage'],
    ['full-width space after the token', `${TOKEN}\u3000`, 'trailing-garbage'],
    ['full-width letters after the token', `${TOKEN}ｐｗｎｅｄ`, 'trailing-garbage'],
    ['greeting after the token', `${TOKEN} Grüße`, 'trailing-garbage'],
    ['script after the token', `${TOKEN}<script>alert(1)</script>`, 'trailing-garbage'],
    ['SQL after the token', `${TOKEN}'; DROP TABLE cases; --`, 'trailing-garbage'],
    ['second bare token', `${TOKEN}\n${TOKEN2}`, 'trailing-garbage'],
    ['ASCII padding after the token', `${TOKEN}xxxxxxxxxxxxxxxx`, 'trailing-garbage'],
    ['whitespace then padding after the token', `${TOKEN}      .`, 'trailing-garbage'],
    // leading garbage and foreign content
    ['script instead of a code', '<script>alert("pwned")</script>', 'bad-token'],
    ['SQL instead of a code', "' OR '1'='1", 'bad-token'],
    ['greeting', 'Grüße aus der Praxis', 'bad-token'],
    ['BOM before the JSON', `\ufeff${SPEC_EXAMPLE}`, 'bad-token'],
    ['NBSP before the token', `\u00a0${TOKEN}`, 'bad-token'],
    ['ASCII padding before the token', `xxxx${TOKEN}`, 'bad-token'],
    ['lower-case task', TOKEN.replace('Task/', 'task/'), 'bad-token'],
    ['full-width Task', TOKEN.replace('Task/', 'Ｔａｓｋ/'), 'bad-token'],
    ['PKV billing token', `ChargeItem/${ID}?ac=${AC}`, 'bad-token'],
    ['leading space inside the JSON string', `{"urls":[" ${TOKEN}"]}`, 'bad-token'],
    // absolute and foreign URLs
    ['https URL', `https://erp.zentral.erp.splitdns.ti-dienste.de/${TOKEN}`, 'absolute-url'],
    ['loopback URL', `http://127.0.0.1/${TOKEN}`, 'absolute-url'],
    ['evil host in the JSON', `{"urls":["https://evil.example/${TOKEN}"]}`, 'absolute-url'],
    ['network path', `//evil.example/${TOKEN}`, 'absolute-url'],
    ['absolute path', `/${TOKEN}`, 'absolute-url'],
    ['backslash path', `\\\\evil\\${TOKEN}`, 'absolute-url'],
    ['javascript URL', 'javascript:alert(1)', 'absolute-url'],
    ['file URL', 'file:///etc/passwd', 'absolute-url'],
    // path tricks
    ['dot segment', `Task/../${ID}/$accept?ac=${AC}`, 'bad-token'],
    ['dot segment after the id', `Task/${ID}/../$accept?ac=${AC}`, 'bad-token'],
    ['double dots in the id', `Task/${ID}../$accept?ac=${AC}`, 'bad-token'],
    ['encoded dot', `Task/%2e%2e/${ID}/$accept?ac=${AC}`, 'bad-token'],
    ['encoded slash', `Task/${ID}%2F$accept?ac=${AC}`, 'bad-token'],
    ['encoded dollar', `Task/${ID}/%24accept?ac=${AC}`, 'bad-token'],
    ['backslash', `Task\\${ID}\\$accept?ac=${AC}`, 'bad-token'],
    ['backslash in the id', `Task/${ID}\\/$accept?ac=${AC}`, 'bad-token'],
    ['other operation', `Task/${ID}/$abort?ac=${AC}`, 'bad-token'],
    ['no operation', `Task/${ID}?ac=${AC}`, 'bad-token'],
    ['extra segment', `Task/${ID}/x/$accept?ac=${AC}`, 'bad-token'],
    ['extra parameter after', `${TOKEN}&_format=json`, 'bad-token'],
    ['repeated ac', `${TOKEN}&ac=${AC2}`, 'bad-token'],
    ['extra parameter before', `Task/${ID}/$accept?x=1&ac=${AC}`, 'bad-token'],
    ['fragment', `${TOKEN}#frag`, 'bad-token'],
    ['path after the AccessCode', `${TOKEN}/../../Communication`, 'bad-token'],
    ['missing ac', `Task/${ID}/$accept?`, 'bad-token'],
    ['ac as header-style', `Task/${ID}/$accept?AC=${AC}`, 'bad-token'],
    // prescription id and AccessCode
    [
      'wrong check digits (api-erp example id)',
      `Task/160.000.000.000.000.01/$accept?ac=${AC}`,
      'bad-prescription-id',
    ],
    ['id without dots', `Task/16000000000012376/$accept?ac=${AC}`, 'bad-prescription-id'],
    ['id with SQL', `Task/${ID}' OR '1'='1/$accept?ac=${AC}`, 'bad-prescription-id'],
    ['id with script', `Task/<script>/$accept?ac=${AC}`, 'bad-prescription-id'],
    ['id with a space', `Task/160.000.000.000 .123.76/$accept?ac=${AC}`, 'bad-prescription-id'],
    ['empty id', `Task//$accept?ac=${AC}`, 'bad-prescription-id'],
    ['uppercase AccessCode', `Task/${ID}/$accept?ac=${AC.toUpperCase()}`, 'bad-access-code'],
    ['short AccessCode', `Task/${ID}/$accept?ac=${AC.slice(2)}`, 'bad-access-code'],
    ['long AccessCode', `${TOKEN}ab`, 'bad-access-code'],
    ['empty AccessCode', `Task/${ID}/$accept?ac=`, 'bad-access-code'],
    ['non-hex AccessCode', `Task/${ID}/$accept?ac=${'z'.repeat(64)}`, 'bad-access-code'],
    // flow types not for pharmacies
    ['DiGA (162)', `Task/${makePrescriptionId('162', 123n)}/$accept?ac=${AC}`, 'foreign-flow-type'],
    // The workflow-1.6 DiGA examples reuse the digits of a 160 id, so their check digits are wrong.
    [
      'DiGA example id of workflow 1.6',
      `Task/162.000.033.491.280.78/$accept?ac=${AC}`,
      'bad-prescription-id',
    ],
    ['BtM (165)', `Task/${makePrescriptionId('165', 1n)}/$accept?ac=${AC}`, 'foreign-flow-type'],
    [
      'one DiGA token among good ones',
      JSON.stringify({ urls: [TOKEN, `Task/${makePrescriptionId('162', 9n)}/$accept?ac=${AC2}`] }),
      'foreign-flow-type',
    ],
  ];

  it.each(cases)('rejects %s', (_label, input, reason) => {
    expect(reasonOf(input)).toBe(reason);
  });

  it('rejects an unknown flow type even with a correct check sum', () => {
    // 123 is no flow type; build its check digits the same way as for a real one.
    const n = 123n * 10n ** 12n + 5n;
    const cc = (98n - ((n * 100n) % 97n)).toString().padStart(2, '0');
    expect(reasonOf(`Task/123.000.000.000.005.${cc}/$accept?ac=${AC}`)).toBe('foreign-flow-type');
  });

  it('explains in German, names the token position and never echoes an AccessCode', () => {
    const r = parseErezeptCode(
      JSON.stringify({ urls: [TOKEN, `Task/160.000.000.000.000.01/$accept?ac=${AC2}`] }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toMatch(
      /^Verordnung 2 von 2: Ungültiges E-Rezept-Token – Rezept-ID hat eine falsche Prüfziffer/,
    );
    expect(r.error.message).not.toContain(AC2);

    for (const [, input] of cases) {
      const res = parseErezeptCode(input);
      if (res.ok) continue;
      expect(res.error.message).not.toContain(AC);
      expect(res.error.message).not.toContain(AC2);
      expect(res.error.message).not.toContain(AC.toUpperCase());
      expect(res.error.message).not.toMatch(/<script/);
      expect(res.error.message.length).toBeLessThan(200);
    }
  });

  it('says what a DiGA code is', () => {
    const r = parseErezeptCode(`Task/${makePrescriptionId('162', 123n)}/$accept?ac=${AC}`);
    expect(!r.ok && r.error.message).toMatch(/DiGA/);
  });
});

describe('parseErezeptCode properties', () => {
  const idArb = fc
    .tuple(fc.constantFrom(...pharmacyFlowTypes), fc.bigInt({ min: 0n, max: 10n ** 12n - 1n }))
    .map(([flow, seq]) => makePrescriptionId(flow, seq));
  const acArb = fc.stringMatching(/^[0-9a-f]{64}$/);
  const tokenArb = fc.tuple(idArb, acArb).map(([id, ac]) => formatToken(id, ac as AccessCode));
  const jsonWs = fc.stringMatching(/^[ \t\r\n]{0,3}$/);

  it('reads every well-formed code with 1–3 distinct tokens and any JSON whitespace', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(tokenArb, { minLength: 1, maxLength: 3, selector: (t) => t.slice(5, 27) }),
        fc.array(jsonWs, { minLength: 16, maxLength: 16 }),
        (tokens, w) => {
          const body = tokens.map((t, i) => `${w[i]}"${t}"${w[i + 3]}`).join(',');
          const code = `${w[6]}{${w[7]}"urls"${w[8]}:${w[9]}[${body}]${w[10]}}${w[11]}`;
          const r = parseErezeptCode(code);
          return r.ok && r.data.map((t) => t.token).join() === tokens.join();
        },
      ),
    );
  });

  it('rejects a token with any one character changed, inserted or removed (unless it stays a valid token)', () => {
    fc.assert(
      fc.property(
        tokenArb,
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
        (token, at, c) => {
          const i = at % token.length;
          for (const mutated of [
            token.slice(0, i) + c + token.slice(i + 1),
            token.slice(0, i) + c + token.slice(i),
            token.slice(0, i) + token.slice(i + 1),
          ]) {
            const r = parseErezeptCode(mutated);
            if (!r.ok) continue;
            // Only a change that produced another well-formed token may pass (e.g. one hex digit for another).
            const [t] = r.data;
            if (r.data.length !== 1 || t?.token !== mutated.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ''))
              return false;
          }
          return true;
        },
      ),
    );
  });

  it('never throws and only ever returns canonical tokens, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 400 }),
          fc.json(),
          tokenArb.map((t) => `{"urls":["${t}"`),
        ),
        (input) => {
          const r = parseErezeptCode(input);
          return (
            !r.ok ||
            r.data.every((t) =>
              /^Task\/[0-9]{3}(\.[0-9]{3}){4}\.[0-9]{2}\/\$accept\?ac=[0-9a-f]{64}$/.test(t.token),
            )
          );
        },
      ),
    );
  });
});
