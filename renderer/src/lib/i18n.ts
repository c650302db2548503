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

/** The app's instance; tests may create their own with createI18n(). */
export const i18n = createI18n();
