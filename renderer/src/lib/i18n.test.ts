import { describe, expect, it } from 'vitest';
import { de } from '../locales/de';
import { en } from '../locales/en';
import { createI18n, LANGUAGE_STORAGE_KEY, readStoredLanguage, switchLanguage } from './i18n';

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

  it('remembers the chosen language and starts with it next time', async () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(readStoredLanguage(storage)).toBe('de');
    const i18n = createI18n(readStoredLanguage(storage));
    await switchLanguage(i18n, 'en', storage);
    expect(i18n.t('scan.label')).toBe('Scan prescription code');
    expect(store.get(LANGUAGE_STORAGE_KEY)).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    expect(readStoredLanguage(storage)).toBe('en');
  });

  it('falls back to German for unknown or unreadable stored values', () => {
    expect(readStoredLanguage({ getItem: () => 'fr' })).toBe('de');
    expect(
      readStoredLanguage({
        getItem: () => {
          throw new Error('denied');
        },
      }),
    ).toBe('de');
  });
});
