// The village honour board (四德榜 / 诚信榜, issue 11 "Printables"): honours only (guardrail 4),
// only households that consented (四德榜: moral points and public boards; 诚信榜: credit records and
// public boards, shared/domain/consent.ts CONSENT_PLACES), and never a minor (guardrail 5). Pure: the
// server hands over the year's tallies, consents and positive credit records.
import { PUBLIC_BOARD_MIN_STARS, starLevel, type StarLevel } from './stars';
import { CREDIT_KIND_RULES, isCreditKind } from './credit';

export interface BoardHousehold { id: string; householdNo: string; headName: string; headIsMinor: boolean; status: string }
export interface BoardTally { householdId: string; effectivePoints: number; bigDeductions: number }
export interface BoardCredit { householdId: string; kind: string; personIsMinor: boolean }

export interface HonourBoard {
  /** 四德榜: ★3 and above, most stars first, then by household number. */
  stars: { householdNo: string; headName: string; stars: StarLevel }[];
  /** 诚信榜: positive credit information of the year (never a penalty). */
  credit: { householdNo: string; headName: string; honours: string[] }[];
}

export function buildHonourBoard(input: {
  households: readonly BoardHousehold[];
  /** Consenting to the 四德榜 (moral points and public boards). */
  consenting: ReadonlySet<string>;
  /** Consenting to the 诚信榜 (credit records and public boards). */
  creditConsenting: ReadonlySet<string>;
  tallies: readonly BoardTally[];
  credits: readonly BoardCredit[]; base: number;
}): HonourBoard {
  const eligible = (consent: ReadonlySet<string>) => new Map(input.households
    .filter((h) => h.status === 'active' && !h.headIsMinor && consent.has(h.id))
    .map((h) => [h.id, h]));
  const shown = eligible(input.consenting);
  const creditShown = eligible(input.creditConsenting);
  const stars = input.tallies.flatMap((t) => {
    const h = shown.get(t.householdId);
    if (!h) return [];
    // A big deduction (over 10 points) keeps a household from ★5.
    const level = starLevel(input.base + t.effectivePoints, t.bigDeductions > 0 ? 11 : 0);
    return level >= PUBLIC_BOARD_MIN_STARS ? [{ householdNo: h.householdNo, headName: h.headName, stars: level }] : [];
  }).sort((a, b) => b.stars - a.stars || a.householdNo.localeCompare(b.householdNo));

  const honours = new Map<string, Set<string>>();
  for (const c of input.credits) {
    if (!creditShown.has(c.householdId) || c.personIsMinor || !isCreditKind(c.kind) || CREDIT_KIND_RULES[c.kind].negative) continue;
    honours.set(c.householdId, (honours.get(c.householdId) ?? new Set()).add(CREDIT_KIND_RULES[c.kind].zh));
  }
  const credit = [...honours].map(([id, set]) => ({ householdNo: creditShown.get(id)!.householdNo, headName: creditShown.get(id)!.headName, honours: [...set] }))
    .sort((a, b) => a.householdNo.localeCompare(b.householdNo));
  return { stars, credit };
}
