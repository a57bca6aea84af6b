// One household's credit page: its credit records (with their events and whether each counts),
// the grade with its explanation, the perks it qualifies for, how a negative record stops counting,
// and its objections and repair requests. Built from the credit ledger only (guardrail 1): no
// moral-points table is read here.
import type { Queryable } from '../../repositories/queryable';
import { findTownshipOfVillage } from '../../repositories/villages';
import {
  gradeRulesOn, latestFixedResult, listCreditEvents, listCreditKinds, listCreditRequests, listHouseholdCreditRecords, listPerks,
  postedResultsOf, type CreditKindRow, type CreditRecordRow,
} from '../../repositories/credit';
import {
  computeGrade, isGrade, negativeKeptUntil, perksFor, recordStanding, repairableFrom, type GradeRecord, type GradeRules,
} from '../../../shared/domain/credit-grade';

export function toGradeRecord(r: CreditRecordRow, kinds: ReadonlyMap<string, CreditKindRow>): GradeRecord {
  const k = kinds.get(r.kind);
  return {
    id: r.id, kind: r.kind, kindNameZh: k?.nameZh ?? r.kind, negative: k?.negative ?? false, occurredOn: r.occurredOn,
    documentNo: r.documentNo, state: r.state, reverses: r.reverses, repairedOn: r.repairedOn,
  };
}

export const kindMap = (kinds: readonly CreditKindRow[]) => new Map(kinds.map((k) => [k.code, k]));

/** How a negative record stops counting (信用修复), shown to the household. */
export function repairGuide(rules: GradeRules): string[] {
  return [
    '负面信用信息自记录日期起最多保留和计入五年，期满自动不再计入，并在期满后删除。',
    `已履行法定义务（如缴清罚款、履行判决）且自记录日期起满 ${rules.repairMinMonths} 个月的，可以申请信用修复；村委会核实后，该记录不再计入评级。`,
    '认为记录有误的，可以随时提出异议；异议成立的，该记录作废。',
  ];
}

export async function householdCredit(db: Queryable, villageId: string, householdId: string, today: string) {
  const township = await findTownshipOfVillage(db, villageId);
  const townshipId = township?.id ?? '';
  const [kinds, rulesVersion, perks, records, evaluation, requests, posted] = await Promise.all([
    listCreditKinds(db, townshipId), gradeRulesOn(db, townshipId, today), listPerks(db, townshipId),
    listHouseholdCreditRecords(db, villageId, householdId), latestFixedResult(db, villageId, householdId),
    listCreditRequests(db, villageId, { householdId }), postedResultsOf(db, villageId, householdId),
  ]);
  const visible = records.filter((r) => r.state !== 'withdrawn');
  const events = await listCreditEvents(db, villageId, visible.map((r) => r.id));
  const km = kindMap(kinds);
  const rules = rulesVersion.rules;
  const gradeRecords = visible.map((r) => toGradeRecord(r, km));
  const grade = computeGrade({
    records: gradeRecords,
    evaluation: evaluation && isGrade(evaluation.grade) ? { grade: evaluation.grade, periodLabel: evaluation.periodLabel } : null,
    rules, today,
  });
  const qualifying = new Set(perksFor(grade.grade, perks).map((p) => p.id));
  return {
    townshipId,
    records: visible.map((r, i) => {
      const g = gradeRecords[i];
      return {
        id: r.id, kind: r.kind, kindNameZh: km.get(r.kind)?.nameZh ?? r.kind, kindNameEn: km.get(r.kind)?.nameEn ?? r.kind,
        negative: g.negative, source: r.source, occurredOn: r.occurredOn, documentNo: r.documentNo, issuer: r.issuer, note: r.note,
        state: r.state, stateReason: r.stateReason, reverses: r.reverses, repairedOn: r.repairedOn, personId: r.personId,
        standing: recordStanding(g, rules, today),
        keptUntil: g.negative ? negativeKeptUntil(r.occurredOn) : null,
        repairableFrom: repairableFrom(g, rules),
        events: events.filter((e) => e.recordId === r.id),
      };
    }),
    grade,
    rulesVersion: { version: rulesVersion.version, effectiveFrom: rulesVersion.effectiveFrom },
    evaluation,
    perks: perks.filter((p) => p.active).map((p) => ({ ...p, qualifies: qualifying.has(p.id) })),
    repairGuide: repairGuide(rules),
    requests,
    postedRounds: posted.map((p) => ({ roundId: p.id, periodLabel: p.period_label, objectionEndsAt: p.objection_ends_at, grade: p.grade })),
  };
}

export type HouseholdCredit = Awaited<ReturnType<typeof householdCredit>>;
