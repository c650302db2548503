import { describe, expect, it } from 'vitest';
import { parsePackCode } from './pack-code';
import { classifyScan } from './scan';
import { parseErezeptCode } from './token';

const AC = '777bea0e13cc9c42ceec14aec3ddee2263325dc2c6c699db115f58fe423607ea';
const TOKEN = `Task/160.000.000.000.123.76/$accept?ac=${AC}`;
const GS = '\u001d';
const RS = '\u001e';

describe('classifyScan (architecture §5)', () => {
  it.each([
    [`{"urls":["${TOKEN}"]}`, 'erezept'],
    [`\r\n  {\n "urls": ["${TOKEN}"]\n}\n`, 'erezept'],
    [TOKEN, 'erezept'],
    [` ${TOKEN}\n`, 'erezept'],
    // hostile variants still go to the token parser, which then explains what is wrong
    [`{"urls":[],"pwned":1}`, 'erezept'],
    [`\ufeff{"urls":["${TOKEN}"]}`, 'erezept'],
    [`\u00a0${TOKEN}`, 'erezept'],
    [`]d201041501234567821010ABC${GS}17261231`, 'pack'],
    [`${GS}0104150123456782`, 'pack'],
    [`[)>${RS}06${GS}9N110375286414${RS}\u0004`, 'pack'],
    ['0104150123456782', 'pack'],
    ['task/160.000.000.000.123.76', 'pack'],
    [`https://evil.example/${TOKEN}`, 'pack'],
    ['', 'empty'],
    [' \r\n\t', 'empty'],
    ['\u200b\u00a0', 'empty'],
  ])('classifies %j as %s', (text, kind) => {
    expect(classifyScan(text)).toBe(kind);
  });

  it('does not treat a group separator as whitespace', () => {
    expect(classifyScan(GS)).toBe('pack');
  });

  it('routes a real E-Rezept code and a real pack code to parsers that accept them', () => {
    const erezept = `{"urls":["${TOKEN}"]}\n`;
    expect(classifyScan(erezept)).toBe('erezept');
    expect(parseErezeptCode(erezept).ok).toBe(true);
    const pack = `]d20104150123456782${GS}10ABC`;
    expect(classifyScan(pack)).toBe('pack');
    expect(parsePackCode(pack).ok).toBe(true);
  });
});
