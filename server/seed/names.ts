// Invented names for seed data. Surnames and given-name characters are common ones, combined at
// random, so no seeded person stands for a real one; place names are built from generic parts.
import type { Rng } from './random';

// Frequent surnames in rural Shandong first, so villages look like real 王家庄 / 李家疃 villages
// where two or three families dominate.
const SURNAMES = [
  '王', '李', '张', '刘', '孙', '杨', '赵', '于', '陈', '徐', '高', '董', '姜', '周', '吴', '宋',
  '马', '崔', '郭', '韩', '曲', '纪', '隋', '臧', '綦', '范', '邢', '袁', '冷', '迟', '宫', '修',
] as const;
const MALE_CHARS = '建国军明强伟志华文斌海涛德福春生永胜立新学成振东庆林树松家兴世平'.split('');
const FEMALE_CHARS = '秀英兰芳玉梅霞丽娟红燕珍凤萍桂敏静莉翠云娜琴花彩荣洁美晓丹'.split('');
const NEUTRAL_CHARS = '宇子涵浩然欣怡博雨泽一诺嘉悦思远梓轩可馨晨阳佳乐'.split('');

/** The two or three surnames that dominate a village, plus the chance a household has another. */
export function villageSurnames(rng: Rng): string[] {
  const main = new Set<string>();
  while (main.size < 3) main.add(SURNAMES[Math.floor(rng.next() * rng.next() * 16)]);
  return [...main];
}

export function surnameFor(rng: Rng, villageMain: readonly string[]): string {
  return villageMain.length > 0 && rng.chance(0.7) ? rng.pick(villageMain) : rng.pick(SURNAMES);
}

/**
 * A given name in the style of the person's generation: older people mostly have two characters
 * with gendered ones, children born after 2000 often neutral ones.
 */
export function givenName(rng: Rng, male: boolean, birthYear: number): string {
  const young = birthYear >= 2000;
  const pool = young && rng.chance(0.6) ? NEUTRAL_CHARS : male ? MALE_CHARS : FEMALE_CHARS;
  const one = rng.pick(pool);
  return rng.chance(young ? 0.75 : 0.8) ? one + rng.pick(pool) : one;
}

const VILLAGE_PREFIX = ['东', '西', '南', '北', '前', '后', '大', '小', '上', '下', '新', '古'];
const VILLAGE_MIDDLE = ['河', '岭', '山', '庄', '沟', '埠', '泊', '营', '屯', '疃', '洼', '台', '崖', '坡'];

/** '王家庄', '东河村', '后疃村': invented, so it may or may not exist somewhere. */
export function villageName(rng: Rng): string {
  if (rng.chance(0.4)) return `${rng.pick(SURNAMES)}家${rng.pick(['庄', '疃', '屯', '洼', '埠'])}村`;
  return `${rng.pick(VILLAGE_PREFIX)}${rng.pick(VILLAGE_MIDDLE)}村`;
}

/** Township names for the scale seed ('青岚镇', '云溪街道'); the demo uses a fixed one. */
const TOWN_FIRST = '青云白石金凤龙泉碧桃明月松柳清溪'.split('');
const TOWN_SECOND = '岚溪山河湾岭桥源塘湖峰阳坪林'.split('');
export function townshipName(rng: Rng): string {
  return `${rng.pick(TOWN_FIRST)}${rng.pick(TOWN_SECOND)}${rng.chance(0.8) ? '镇' : '街道'}`;
}

export const REJECT_REASONS = [
  '证据不足，请补充现场照片',
  '与核实情况不符',
  '重复录入，已有同一事项记录',
  '不符合该指标的认定条件',
  '发生日期不在本期范围内',
] as const;

/** Short notes a collector types for common indicators; most entries have none. */
export const NOTES_BY_CODE: Readonly<Record<string, readonly string[]>> = {
  A01: ['参加七一主题党日', '参加村党支部主题活动'],
  A02: ['参加村民代表会议', '参加村务公开民主评议'],
  A03: ['参与修整村内道路', '参与清理河道'],
  A07: ['夜间防火巡查', '汛期堤坝巡查'],
  B01: ['到村敬老院志愿服务', '文明实践站志愿服务', '协助疫苗接种点秩序维护'],
  B02: ['拾到钱包交还失主', '拾到手机交还失主'],
  C02: ['入户检查分类合格', '月度检查合格'],
  C03: ['协助清理村内积存垃圾', '参与村容村貌整治'],
  D03: ['调解邻里宅基地纠纷', '调解家庭矛盾'],
  D06: ['参加好家风故事会', '参加家训家规分享会'],
};

/** Village-rule details appended to a deduction's basis, so the evidence basis is never empty. */
export const DEDUCTION_DETAILS = [
  '已当面劝导并留存现场照片',
  '经网格员两次提醒仍未改正，有照片为证',
  '有关部门文书已存档',
] as const;
