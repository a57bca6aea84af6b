// When a catalogue version may change (pure): only while it is a draft. A published version is
// never edited (domain.md): once in force, entries are recorded under it and keep it; a new
// version replaces it from a date.
import { conflict } from '../../http/errors';

export function assertEditable(v: { status: string; effectiveFrom: string }, today: string): void {
  if (v.status === 'draft') return;
  if (v.effectiveFrom <= today) throw conflict('catalog_in_use', '该目录版本已发布并已生效，记录沿用录入时的版本，不能修改；请新建版本');
  throw conflict('catalog_published', '该目录版本已发布，不能修改；请新建版本');
}

/** A new version starts after every published one (so each date has exactly one version in force) and not in the past. */
export function assertPublishDate(effectiveFrom: string, today: string, published: readonly { effectiveFrom: string }[]): void {
  if (effectiveFrom < today) throw conflict('catalog_date_past', '生效日期不能早于今天');
  const latest = published.reduce((m, v) => (v.effectiveFrom > m ? v.effectiveFrom : m), '');
  if (effectiveFrom <= latest) throw conflict('catalog_date_order', `生效日期须晚于已发布版本的生效日期（${latest}）`);
}
