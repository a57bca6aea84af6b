// What an imported roster changes (issue 11 "Roster import"): the parsed rows (roster-import.ts)
// against the village's roster as it is, row by row: will create / update / unchanged / error
// (with the reason in Chinese) / skipped. Pure and deterministic: the dry run shows this plan, and
// the import plans again inside its transaction and writes exactly it, so importing the same file
// twice changes nothing the second time.
//
// Matching a row to a person, in this order: our export's row key; the ID number (keyed hash);
// then, within the same household, the same name, and the same relation and birth year when both
// sides know them. A person is claimed by one row only, so two persons without an ID number never
// overwrite each other; a row that matches nobody creates a person. A blank household number is an
// error, never a merge into some household.
import { maskIdNumber } from '../validation/id-number';
import { maskPhone } from '../validation/phone';
import { HEAD_RELATIONS, STATUS_LABELS, decodeRowKey, type RosterRow } from './roster-import';

export interface ExistingHousehold { id: string; householdNo: string; groupNo: number; headName: string; phone: string | null; status: string }
export interface ExistingPerson {
  id: string; householdId: string; name: string; relation: string; birthYear: number | null; phone: string | null;
  idHash: string | null;
  /** The stored ID number masked (370283********1234), for rows of our own export. */
  idMask: string | null;
  deleted: boolean;
}
export interface RosterSnapshot {
  households: readonly ExistingHousehold[];
  persons: readonly ExistingPerson[];
  /** Keyed hashes of the row's valid ID numbers that are registered in another village. */
  idHashesElsewhere: ReadonlySet<string>;
}

export type RowAction = 'create' | 'update' | 'unchanged' | 'error' | 'skipped';
export const ROW_ACTION_LABELS: Readonly<Record<RowAction, string>> = {
  create: '将新增', update: '将更新', unchanged: '无变化', error: '有错误', skipped: '已跳过',
};

export interface PlanRow {
  line: number; householdNo: string | null; name: string | null; idMasked: string | null;
  action: RowAction; changes: string[]; reason: string;
}

export interface PersonSet {
  name?: string; relation?: string; birthYear?: number | null; phone?: string | null;
  householdNo?: string; idNumber?: string; deleted?: boolean;
}
export interface PersonWrite { line: number; personId: string | null; householdNo: string; set: PersonSet }
export interface HouseholdSet { groupNo?: number; headName?: string; phone?: string | null; status?: string }
export interface HouseholdWrite { householdId: string | null; householdNo: string; set: HouseholdSet }

export interface RosterPlan {
  rows: PlanRow[];
  households: HouseholdWrite[];
  persons: PersonWrite[];
  counts: Record<RowAction, number>;
}

const DEFAULT_RELATION = '家庭成员';

export function planRoster(rows: readonly RosterRow[], snapshot: RosterSnapshot, hashId: (idNumber: string) => string): RosterPlan {
  const plan: PlanRow[] = [];
  const byLine = new Map<number, PlanRow>();
  const hashes = new Map<number, string>();
  const householdsByNo = new Map(snapshot.households.map((h) => [h.householdNo, h]));
  const householdsById = new Map(snapshot.households.map((h) => [h.id, h]));
  const personsById = new Map(snapshot.persons.map((p) => [p.id, p]));
  const personsByHash = new Map(snapshot.persons.filter((p) => p.idHash).map((p) => [p.idHash!, p]));

  /** 户号 as typed, or the existing one it means when Excel dropped its leading zeros. */
  const resolveNo = (no: string): string => {
    if (householdsByNo.has(no) || !/^\d+$/.test(no)) return no;
    const same = snapshot.households.filter((h) => /^\d+$/.test(h.householdNo) && Number(h.householdNo) === Number(no));
    return same.length === 1 ? same[0].householdNo : no;
  };

  // Pass 1: blank lines, rows that cannot be read, exact duplicates, the same ID or row key twice.
  const signatures = new Map<string, number>();
  const idLines = new Map<string, number>();
  const keyLines = new Map<string, number>();
  const live: RosterRow[] = [];
  for (const r of rows) {
    const row: PlanRow = {
      line: r.line, householdNo: r.householdNo, name: r.name, action: 'unchanged', changes: [], reason: '',
      idMasked: r.id.kind === 'valid' ? maskIdNumber(r.id.value) : r.id.kind === 'masked' ? `${r.id.prefix}********${r.id.last4}` : null,
    };
    plan.push(row);
    byLine.set(r.line, row);
    if (r.blank) { Object.assign(row, { action: 'skipped', reason: '空行' }); continue; }
    if (r.errors.length) { Object.assign(row, { action: 'error', reason: r.errors.join('；') }); continue; }
    const dup = signatures.get(r.signature);
    if (dup !== undefined) { Object.assign(row, { action: 'skipped', reason: `与第${dup}行完全相同，已忽略` }); continue; }
    signatures.set(r.signature, r.line);
    if (r.id.kind === 'valid') {
      const h = hashId(r.id.value);
      const seen = idLines.get(h);
      if (seen !== undefined) { Object.assign(row, { action: 'error', reason: `身份证号码与第${seen}行相同，同一人不能登记两次` }); continue; }
      idLines.set(h, r.line);
      hashes.set(r.line, h);
    }
    if (r.rowKey) {
      const seen = keyLines.get(r.rowKey);
      if (seen !== undefined) { Object.assign(row, { action: 'error', reason: `行键与第${seen}行相同` }); continue; }
      keyLines.set(r.rowKey, r.line);
    }
    live.push({ ...r, householdNo: resolveNo(r.householdNo!) });
  }
  const fail = (line: number, reason: string) => Object.assign(byLine.get(line)!, { action: 'error', reason, changes: [] });

  // Pass 2: one group number per household.
  const groupOf = new Map<string, { groupNo: number; line: number }>();
  for (const r of live) {
    if (r.groupNo === null) continue;
    const g = groupOf.get(r.householdNo!);
    if (!g) groupOf.set(r.householdNo!, { groupNo: r.groupNo, line: r.line });
    else if (g.groupNo !== r.groupNo) fail(r.line, `同一户的村民小组不一致（第${g.line}行为${g.groupNo}组）`);
  }

  // Pass 3: match each row to a person and say what changes.
  const claimed = new Map<string, number>();
  const newHouseholds = new Set<string>();
  const persons: PersonWrite[] = [];
  const kept: RosterRow[] = [];
  for (const r of live) {
    const row = byLine.get(r.line)!;
    if (row.action === 'error') continue;
    const household = householdsByNo.get(r.householdNo!);
    let match: ExistingPerson | null = null;
    let strong = false; // matched by row key or ID number: may restore a removed person
    if (r.rowKey) {
      const id = decodeRowKey(r.rowKey);
      match = id ? personsById.get(id) ?? null : null;
      if (!match) { fail(r.line, '行键不属于本村名册（可能来自其他村的导出或被改动过）'); continue; }
      strong = true;
    } else if (r.id.kind === 'masked') {
      fail(r.line, '身份证号码是隐藏格式（****），只能用于本系统导出的名册（须保留“行键”列）');
      continue;
    }
    const hash = hashes.get(r.line);
    if (!match && hash) {
      match = personsByHash.get(hash) ?? null;
      if (!match && snapshot.idHashesElsewhere.has(hash)) { fail(r.line, '该身份证号码已登记在其他村，请先在原村办理迁出'); continue; }
      strong = match !== null;
    }
    if (!match && household) {
      const wantDeleted = r.status !== 'active';
      const candidates = snapshot.persons.filter((p) => p.householdId === household.id && p.name === r.name && !claimed.has(p.id)
        && (r.relation === null || p.relation === r.relation) && (r.birthYear === null || p.birthYear === null || p.birthYear === r.birthYear)
        && (!hash || p.idHash !== hash));
      // The same phone first: two same-named persons without ID number stay apart on every import.
      candidates.sort((a, b) => Number(b.phone === r.phone) - Number(a.phone === r.phone));
      match = candidates.find((p) => !p.deleted) ?? (wantDeleted ? candidates.find((p) => p.deleted) ?? null : null);
    }
    if (match) {
      const first = claimed.get(match.id);
      if (first !== undefined) { fail(r.line, `与第${first}行指向同一村民：请填写身份证号码加以区分`); continue; }
      claimed.set(match.id, r.line);
    }

    if (!match) {
      if (r.status !== 'active') { Object.assign(row, { action: 'skipped', reason: `名册中没有此人，无需登记${STATUS_LABELS[r.status]}` }); continue; }
      const phone = typeof r.phone === 'string' ? r.phone : null;
      if (r.phone !== null && typeof r.phone !== 'string') { fail(r.line, '联系电话是隐藏格式（****），新增村民须填写完整号码'); continue; }
      persons.push({
        line: r.line, personId: null, householdNo: r.householdNo!,
        set: { name: r.name!, relation: r.relation ?? DEFAULT_RELATION, birthYear: r.birthYear, phone, idNumber: r.id.kind === 'valid' ? r.id.value : undefined, deleted: false },
      });
      // The first row of a household not yet on the roster creates it.
      const newHousehold = !household && !newHouseholds.has(r.householdNo!);
      if (newHousehold) newHouseholds.add(r.householdNo!);
      Object.assign(row, { action: 'create', changes: newHousehold ? ['新增户', '新增村民'] : ['新增村民'] });
      kept.push(r);
      continue;
    }

    const set: PersonSet = {};
    const changes: string[] = [];
    const matchedHousehold = householdsById.get(match.householdId);
    if (match.deleted) {
      if (r.status === 'active') {
        if (!strong) { fail(r.line, '内部错误：已移出名册的村民只能按身份证号码或行键恢复'); continue; }
        set.deleted = false; changes.push('恢复在册');
      }
    } else if (r.status !== 'active') { set.deleted = true; changes.push(STATUS_LABELS[r.status]); }
    if (r.name !== match.name) { set.name = r.name!; changes.push('姓名'); }
    if (r.relation !== null && r.relation !== match.relation) { set.relation = r.relation; changes.push('与户主关系'); }
    if (r.birthYear !== null && r.birthYear !== match.birthYear) { set.birthYear = r.birthYear; changes.push('出生年份'); }
    if (typeof r.phone === 'string') {
      if (r.phone !== match.phone) { set.phone = r.phone; changes.push('联系电话'); }
    } else if (r.phone !== null && (!match.phone || maskPhone(match.phone) !== r.phone.keep)) {
      fail(r.line, '联系电话是隐藏格式（****），且与登记的号码不一致：请填写完整号码'); continue;
    }
    if (r.id.kind === 'valid' && hash !== match.idHash) {
      set.idNumber = r.id.value; changes.push(match.idHash ? '身份证号码（更正）' : '身份证号码（补录）');
    } else if (r.id.kind === 'masked' && match.idMask !== `${r.id.prefix}********${r.id.last4}`) {
      fail(r.line, '身份证号码是隐藏格式，且与该村民登记的号码不一致：如需更正请填写完整号码'); continue;
    }
    if (matchedHousehold?.householdNo !== r.householdNo) { set.householdNo = r.householdNo!; changes.push(household ? `迁入${r.householdNo}户` : '迁入新户'); }
    if (changes.length) {
      persons.push({ line: r.line, personId: match.id, householdNo: r.householdNo!, set });
      Object.assign(row, { action: 'update', changes });
    }
    kept.push(r);
  }

  // Pass 4: the households the kept rows describe (head, group, phone, moved out).
  const households: HouseholdWrite[] = [];
  const rowsByNo = new Map<string, RosterRow[]>();
  for (const r of kept) rowsByNo.set(r.householdNo!, [...(rowsByNo.get(r.householdNo!) ?? []), r]);
  for (const [no, hRows] of rowsByNo) {
    const existing = householdsByNo.get(no);
    const active = hRows.filter((r) => r.status === 'active');
    const head = active.find((r) => r.relation !== null && HEAD_RELATIONS.includes(r.relation));
    const groupNo = groupOf.get(no)?.groupNo;
    const headPhone = head && typeof head.phone === 'string' ? head.phone : undefined;
    if (!existing) {
      if (!active.length) continue;
      households.push({ householdId: null, householdNo: no, set: { groupNo: groupNo ?? 0, headName: (head ?? active[0]).name!, phone: headPhone ?? null, status: 'active' } });
      continue;
    }
    const set: HouseholdSet = {};
    const changes: string[] = [];
    if (head && head.name !== existing.headName) { set.headName = head.name!; changes.push('户主'); }
    if (groupNo !== undefined && groupNo !== existing.groupNo) { set.groupNo = groupNo; changes.push('村民小组'); }
    if (headPhone !== undefined && headPhone !== existing.phone) { set.phone = headPhone; changes.push('户联系电话'); }
    // Every member on file leaves by a moved-out row: the household moved out.
    const members = snapshot.persons.filter((p) => p.householdId === existing.id && !p.deleted);
    const leaving = new Set(persons.filter((w) => w.personId && w.set.deleted === true && hRows.some((r) => r.line === w.line && r.status === 'moved_out')).map((w) => w.personId));
    if (!active.length && members.length > 0 && members.every((p) => leaving.has(p.id)) && existing.status === 'active') { set.status = 'moved-out'; changes.push('全户迁出'); }
    if (!changes.length) continue;
    households.push({ householdId: existing.id, householdNo: no, set });
    const row = byLine.get((head ?? hRows[0]).line)!;
    row.changes.push(...changes);
    if (row.action === 'unchanged') row.action = 'update';
  }

  const counts: Record<RowAction, number> = { create: 0, update: 0, unchanged: 0, error: 0, skipped: 0 };
  for (const row of plan) counts[row.action]++;
  return { rows: plan, households, persons, counts };
}

/** Whether a plan writes nothing (a second import of the same file). */
export const planIsEmpty = (p: RosterPlan) => p.households.length === 0 && p.persons.length === 0;
