// i18next set-up: Chinese first, English as a switch remembered per workstation.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { zhCN } from './zh-CN.ts';
import { en } from './en.ts';

const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('cityops.lang') : null;

void i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});

/** Switches language and remembers the choice. */
export function setLanguage(lng: 'zh-CN' | 'en'): void {
  localStorage.setItem('cityops.lang', lng);
  void i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
}

export default i18next;
