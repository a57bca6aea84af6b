// English, loaded only when the English switch is on (i18n/index.ts `loadLocale`): the app's base
// messages and Vant's, in one chunk.
export { default as en } from './en';
export { default as vantEn } from 'vant/es/locale/lang/en-US';
