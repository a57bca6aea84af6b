// One household's credit page: its credit records (with their events and whether each counts),
// the grade with its explanation, the perks it qualifies for, how a negative record stops counting,
// and its objections and repair requests. Built from the credit ledger only (guardrail 1): no
// moral-points table is read here.
import type { Deps } from '../../context';
import { findTownshipOfVillage } from '../../repositories/villages';
import {
  gradeRulesOn, latestFixedResult, listCreditEvents, listCreditKinds, listCreditRequests, listHouseholdCreditRecords, listPerks,
  postedResultsOf, type CreditKindRow, type CreditRecordRow,
} from '../../repositories/credit';
import {
  computeGrade, isGrade, negativeKeptUntil, perksFor, recordStanding, renderExplain, repairableFrom, repairGuideMsgs, type GradeRecord, type GradeRules,
} from '../../../shared/domain/credit-grade';
import { maskedSubjects } from './subjects';

export function toGradeRecord(r: CreditRecordRow, kinds: ReadonlyMap<string, CreditKindRow>): GradeRecord {
  const k = kinds.get(r.kind);
  return {
    id: r.id, kind: r.kind, kindNameZh: k?.nameZh ?? r.kind, kindNameEn: k?.nameEn ?? r.kind, negative: k?.negative ?? false, occurredOn: r.occurredOn,
    documentNo: r.documentNo, state: r.state, reverses: r.reverses, repairedOn: r.repairedOn,
  };
}

export const kindMap = (kinds: readonly CreditKindRow[]) => new Map(kinds.map((k) => [k.code, k]));

/** How a negative record stops counting (信用修复), shown to the household (Chinese; repairGuideMsgs for codes). */
export const repairGuide = (rules: GradeRules): string[] => repairGuideMsgs(rules).map((m) => renderExplain(m, 'zh'));

export async function householdCredit(deps: Pick<Deps, 'db' | 'pii'>, villageId: string, householdId: string, today: string) {
  const db = deps.db;
  const township = await findTownshipOfVillage(db, villageId);
  const townshipId = township?.id ?? '';
  const [kinds, rulesVersion, perks, records, evaluation, requests, posted] = await Promise.all([
    listCreditKinds(db, townshipId), gradeRulesOn(db, townshipId, today), listPerks(db, townshipId),
    listHouseholdCreditRecords(db, villageId, householdId), latestFixedResult(db, villageId, householdId),
    listCreditRequests(db, villageId, { householdId }), postedResultsOf(db, villageId, householdId),
  ]);
  const visible = records.filter((r) => r.state !== 'withdrawn');
  const [events, subjects] = await Promise.all([
    listCreditEvents(db, villageId, visible.map((r) => r.id)), maskedSubjects(deps, db, villageId, visible.map((r) => r.personId)),
  ]);
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
        // The person a record is about: name and ID number masked (never in clear).
        person: r.personId ? subjects.get(r.personId) ?? null : null,
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
    repairGuideMsgs: repairGuideMsgs(rules),
    requests,
    postedRounds: posted.map((p) => ({ roundId: p.id, periodLabel: p.period_label, objectionEndsAt: p.objection_ends_at, grade: p.grade })),
  };
}

export type HouseholdCredit = Awaited<ReturnType<typeof householdCredit>>;
