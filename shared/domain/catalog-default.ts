// The default indicator catalogue of domain.md, as data. Values are illustrative: a township adopts
// its own catalogue at a villagers' meeting; the seed and new townships start from this one.
// Codes are stable ASCII (category letter + number) so entries can reference them across
// catalogue versions and keyboards; names are for people.
import type { IndicatorDto } from '../protocol/tables';
import type { CapPeriod } from './period';
import type { Role } from './roles';

export const INDICATOR_CATEGORIES = [
  { key: 'A', zh: '爱党爱国爱村', en: 'Love of Party, country and village' },
  { key: 'B', zh: '社会公德', en: 'Public morality' },
  { key: 'C', zh: '监督管理', en: 'Supervision and management' },
  { key: 'D', zh: '文明和谐', en: 'Civility and harmony' },
] as const;
export type IndicatorCategory = (typeof INDICATOR_CATEGORIES)[number]['zh'];

/** An indicator before it belongs to a catalogue version (no ids yet). */
export interface DefaultIndicator {
  code: string;
  category: IndicatorCategory;
  nameZh: string;
  nameEn: string;
  sign: 1 | -1;
  /** Signed: a deduction of 5 is pointsMin = pointsMax = -5. Always pointsMin ≤ pointsMax. */
  pointsMin: number;
  pointsMax: number;
  capCount: number | null;
  capPeriod: CapPeriod | null;
  evidenceRequired: boolean;
  subject: 'household' | 'person';
  recorderRoles: Role[];
  sort: number;
  /**
   * The condition or basis an entry must meet, shown to the recorder and reviewer. Deductions
   * name their legal or village-rule basis (domain.md guardrail 2).
   */
  conditionZh: string | null;
  /** Only recorded when the household asks for it (e.g. a child's honour credited to parents). */
  optIn: boolean;
}

type Row = [
  code: string, nameZh: string, nameEn: string, min: number, max: number,
  cap: [number, CapPeriod] | null, evidence: boolean, subject: 'household' | 'person',
  conditionZh: string | null, optIn?: boolean,
];

// Compact rows per category; the sign and the shared defaults are filled in below so the table
// stays readable next to domain.md. Deductions always require evidence (enforced by the mapper).
const ROWS: Record<IndicatorCategory, Row[]> = {
  '爱党爱国爱村': [
    ['A01', '参加主题党日或主题活动', 'Party or theme day', 2, 2, [4, 'month'], false, 'person', null],
    ['A02', '参加村民会议或村民投票', "Villagers' meeting or vote", 2, 2, null, false, 'person', null],
    ['A03', '义务参加公益劳动', 'Voluntary public labour', 5, 5, null, false, 'person', null],
    ['A04', '应征入伍', 'Enlistment', 30, 30, null, true, 'person', '凭入伍通知书'],
    ['A05', '捐助村公益事业', 'Donation to village welfare', 5, 10, null, false, 'household', null],
    ['A06', '发展建议被村里采纳', 'Adopted development proposal', 5, 5, null, false, 'person', null],
    ['A07', '参加防火防汛巡查', 'Fire or flood patrol', 3, 3, null, false, 'person', null],
  ],
  '社会公德': [
    ['B01', '参加志愿服务（每半天）', 'Volunteering (per half day)', 3, 3, [12, 'month'], false, 'person', null],
    ['B02', '拾金不昧', 'Returning lost property', 5, 10, null, false, 'person', null],
    ['B03', '见义勇为（经认定）', 'Brave deed (certified)', 50, 50, null, true, 'person', '须有关部门认定'],
    ['B04', '参加抢险救灾', 'Disaster relief', 20, 20, null, false, 'person', null],
    ['B05', '无偿献血', 'Blood donation', 10, 10, null, true, 'person', '凭献血证'],
    ['B06', '经劝导后仍乱倒垃圾', 'Dumping rubbish after a warning', -5, -5, null, true, 'household', '依据村规民约，须先劝导'],
    ['B07', '损坏公共设施', 'Damaging public facilities', -10, -10, null, true, 'person', '依据村规民约'],
    ['B08', '露天焚烧（有处罚决定）', 'Open burning (with a penalty decision)', -10, -10, null, true, 'person', '须有行政处罚决定书'],
  ],
  '监督管理': [
    ['C01', '美丽庭院示范户', 'Model tidy courtyard', 10, 10, [1, 'quarter'], true, 'household', '经季度评比认定'],
    ['C02', '垃圾分类检查合格', 'Waste sorting passes check', 2, 2, null, false, 'household', null],
    ['C03', '协助环境整治', 'Helps clean-up', 3, 3, null, false, 'person', null],
    ['C04', '主动结清集体欠款', 'Settles arrears to the collective', 5, 5, null, false, 'household', null],
    ['C05', '违法建设或侵占耕地（有处理决定）', 'Illegal building or farmland occupation (official ruling)', -30, -30, null, true, 'household', '须有主管部门处理决定'],
    ['C06', '赌博（受公安处罚）', 'Gambling (police penalty)', -20, -20, null, true, 'person', '须有公安机关处罚决定'],
    ['C07', '红白事超出村规标准', 'Wedding or funeral beyond village rules', -5, -5, null, true, 'household', '依据村规民约'],
    ['C08', '经提醒后庭院仍脏乱', 'Untidy courtyard after a warning', -3, -3, null, true, 'household', '依据村规民约，须先提醒'],
  ],
  '文明和谐': [
    ['D01', '孝老爱亲', 'Caring for elders', 10, 10, [1, 'half_year'], false, 'household', null],
    ['D02', '婚事新办、丧事简办', 'Simple wedding or funeral', 10, 10, null, false, 'household', null],
    ['D03', '调解邻里纠纷', 'Mediating a dispute', 5, 10, null, false, 'person', null],
    ['D04', '获评文明家庭（年度）', 'Civilised family award (annual)', 20, 20, [1, 'year'], true, 'household', '凭评选结果'],
    ['D05', '子女获得学校荣誉（计入父母）', "Child's school honour credited to parents", 5, 5, null, true, 'household', '凭荣誉证书，自愿申报', true],
    ['D06', '参加家风家训活动', 'Family-tradition session', 2, 2, null, false, 'household', null],
    ['D07', '拒不履行赡养义务（经认定）', 'Refusing to support elders (finding)', -20, -20, null, true, 'person', '须有村委会调解记录或法院认定'],
    ['D08', '家庭暴力（公安或法院认定）', 'Domestic violence (police or court finding)', -30, -30, null, true, 'person', '须有公安机关或法院认定'],
  ],
};

export const DEFAULT_RECORDER_ROLES: readonly Role[] = ['collector', 'committee'];

export const DEFAULT_INDICATORS: readonly DefaultIndicator[] = INDICATOR_CATEGORIES.flatMap((cat) =>
  ROWS[cat.zh].map(([code, nameZh, nameEn, min, max, cap, evidence, subject, conditionZh, optIn]): DefaultIndicator => {
    const sign = min < 0 ? -1 : 1;
    return {
      code, category: cat.zh, nameZh, nameEn, sign, pointsMin: min, pointsMax: max,
      capCount: cap ? cap[0] : null, capPeriod: cap ? cap[1] : null,
      // A deduction without evidence is never allowed (guardrail 2), whatever the row says.
      evidenceRequired: evidence || sign === -1,
      subject, recorderRoles: [...DEFAULT_RECORDER_ROLES], sort: 0, conditionZh, optIn: optIn ?? false,
    };
  }),
).map((ind, i) => ({ ...ind, sort: (i + 1) * 10 })); // gaps of 10 leave room to insert items

/** The IndicatorDto of a default indicator once it belongs to a catalogue version. */
export function toIndicatorDto(ind: DefaultIndicator, ids: { id: string; catalogVersionId: string }): IndicatorDto {
  return {
    id: ids.id, catalogVersionId: ids.catalogVersionId, code: ind.code, category: ind.category,
    nameZh: ind.nameZh, nameEn: ind.nameEn, sign: ind.sign, pointsMin: ind.pointsMin, pointsMax: ind.pointsMax,
    capCount: ind.capCount, capPeriod: ind.capPeriod, evidenceRequired: ind.evidenceRequired,
    subject: ind.subject, recorderRoles: [...ind.recorderRoles], sort: ind.sort,
  };
}
