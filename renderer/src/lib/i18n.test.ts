import { describe, expect, it } from 'vitest';
import { de } from '../locales/de';
import { en } from '../locales/en';
import { createI18n } from './i18n';

const keysOf = (value: object, prefix = ''): string[] =>
  Object.entries(value).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keysOf(v as object, `${prefix}${k}.`)));

describe('i18n', () => {
  it('speaks German by default', () => {
    expect(createI18n().t('training.banner')).toBe('TRAINING – Simulator, keine echten Rezepte');
  });

  it('has every German text in English, too, and no empty text', () => {
    expect(keysOf(en).sort()).toEqual(keysOf(de).sort());
    const i18n = createI18n('en');
    for (const key of keysOf(de)) expect(i18n.t(key), key).not.toBe('');
  });
});
