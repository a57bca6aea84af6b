import { describe, expect, it } from 'vitest';
import { basisKindFromCondition, checkCatalog, checkIndicator, versionInForce, type CheckedIndicator } from './catalog-check';
import { DEFAULT_INDICATORS } from './catalog-default';

const ind = (over: Partial<CheckedIndicator>): CheckedIndicator => ({
  code: 'X01', nameZh: '参加志愿服务', sign: 1, pointsMin: 3, pointsMax: 3, evidenceRequired: false, basisKind: null, ...over,
});
const deduction = (nameZh: string, over: Partial<CheckedIndicator> = {}) =>
  ind({ nameZh, sign: -1, pointsMin: -5, pointsMax: -5, evidenceRequired: true, basisKind: 'village_rule', ...over });

describe('catalogue checker', () => {
  it.each([
    ['petitioning deduction', deduction('越级上访'), 'petitioning'],
    ['petitioning reward', ind({ nameZh: '全年无信访' }), 'petitioning'],
    ['not taking part', deduction('未参加村民大会'), 'non_participation'],
    ['absence', deduction('志愿活动缺席'), 'non_participation'],
    ['minimum living allowance', ind({ nameZh: '积分达标方可申请低保' }), 'entitlement'],
    ['medical insurance', deduction('未缴医保'), 'entitlement'],
    ['schooling', ind({ nameZh: '子女入学加分' }), 'entitlement'],
    ['subsidy', deduction('扣发补贴'), 'entitlement'],
    ['collective income (guardrail 1)', deduction('取消集体收益分红'), 'entitlement'],
    ['credit grade (guardrail 1)', deduction('列入失信名单'), 'credit_link'],
    ['religion (guardrail 7)', ind({ nameZh: '不信教加分' }), 'sensitive_data'],
    ['deduction without basis', deduction('乱堆乱放', { basisKind: null }), 'basis_required'],
    ['deduction with an unknown basis', deduction('乱堆乱放', { basisKind: 'custom' }), 'basis_required'],
    ['deduction without evidence', deduction('乱堆乱放', { evidenceRequired: false }), 'evidence_required'],
    ['sign and points disagree', ind({ nameZh: '拾金不昧', pointsMin: -5, pointsMax: 5 }), 'points_invalid'],
  ])('refuses %s, with a Chinese reason', (_name, indicator, code) => {
    const problems = checkIndicator(indicator);
    expect(problems.map((p) => p.code)).toContain(code);
    expect(problems.find((p) => p.code === code)!.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it.each([
    ['volunteering', ind({ nameZh: '参加志愿服务（每半天）' })],
    ['dumping rubbish after a warning, by the village rules', deduction('经劝导后仍乱倒垃圾')],
    ['refusing to support elders, on a finding', deduction('拒不履行赡养义务（经认定）', { basisKind: 'official_finding' })],
    ['caring for elders', ind({ nameZh: '孝老爱亲' })],
  ])('accepts %s', (_name, indicator) => {
    expect(checkIndicator(indicator)).toEqual([]);
  });

  it('accepts the default catalogue once its deductions carry the basis their condition names', () => {
    const problems = checkCatalog(DEFAULT_INDICATORS.map((d) => ({ ...d, basisKind: basisKindFromCondition(d.conditionZh) })));
    expect(problems).toEqual([]);
  });

  it('reports duplicate codes', () => {
    expect(checkCatalog([ind({}), ind({})]).map((p) => p.code)).toEqual(['points_invalid']);
  });
});

describe('versionInForce', () => {
  const versions = [
    { id: 'v1', version: 1, effectiveFrom: '2025-01-01', status: 'published' },
    { id: 'v2', version: 2, effectiveFrom: '2026-03-01', status: 'published' },
    { id: 'v3', version: 3, effectiveFrom: '2026-01-01', status: 'draft' },
  ];
  it.each([
    ['2024-12-31', null], ['2025-06-01', 'v1'], ['2026-02-28', 'v1'], ['2026-03-01', 'v2'], ['2027-01-01', 'v2'],
  ])('an entry dated %s uses %s (drafts never apply)', (date, id) => {
    expect(versionInForce(versions, date)?.id ?? null).toBe(id);
  });
});
