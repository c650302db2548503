/** German by default, English switchable (architecture §5); the choice is remembered (lib/i18n). */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage, supportedLanguages, switchLanguage } from '../../lib/i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const id = useId();
  const current = isLanguage(i18n.language) ? i18n.language : 'de';
  return (
    <div className="header-control">
      <label htmlFor={id}>{t('header.language')}</label>
      <select
        id={id}
        data-testid="language-switch"
        value={current}
        onChange={(e) => {
          if (isLanguage(e.target.value)) void switchLanguage(i18n, e.target.value);
        }}
      >
        {supportedLanguages.map((lng) => (
          <option key={lng} value={lng} lang={lng}>
            {t(`header.languages.${lng}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
