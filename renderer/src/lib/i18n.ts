/**
 * The one i18n instance (architecture §5): German by default, English available. Resources are bundled
 * (no backend), so initialisation is synchronous and `t` works from the first render.
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { de } from '../locales/de';
import { en } from '../locales/en';

export const supportedLanguages = ['de', 'en'] as const;
export type Language = (typeof supportedLanguages)[number];

export function createI18n(language: Language = 'de'): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { de: { translation: de }, en: { translation: en } },
    lng: language,
    fallbackLng: 'de',
    supportedLngs: [...supportedLanguages],
    initAsync: false,
    // React escapes on render; double escaping would show "&amp;" in names.
    interpolation: { escapeValue: false },
  });
  return instance;
}

/** Where the language choice is kept between starts (architecture §5: German default, English switchable). */
export const LANGUAGE_STORAGE_KEY = 'erx.language';

const isLanguage = (value: unknown): value is Language => (supportedLanguages as readonly unknown[]).includes(value);

/** The stored choice, or German; a storage that cannot be read (private mode, tests) means German. */
export function readStoredLanguage(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): Language {
  try {
    const stored = storage?.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(stored) ? stored : 'de';
  } catch {
    return 'de';
  }
}

/** Switches the language and remembers it; the page's `lang` follows for screen readers. */
export async function switchLanguage(instance: I18n, language: Language, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): Promise<void> {
  await instance.changeLanguage(language);
  try {
    storage?.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // not remembered: the choice still holds until the app is closed
  }
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

export { isLanguage };

/** The app's instance; tests may create their own with createI18n(). */
export const i18n = createI18n(readStoredLanguage());
