import { describe, expect, it } from 'vitest';
import { fieldTakesValue, mayAppearOnBoard, mayShowRank, pinProblem } from './residents';

describe('pinProblem', () => {
  it.each([
    ['246810', null], ['135792', null], ['908172', null],
    ['12345', 'PIN码为6位数字'], ['12345a', 'PIN码为6位数字'], ['1234567', 'PIN码为6位数字'],
    ['000000', 'PIN码不能是同一个数字'], ['777777', 'PIN码不能是同一个数字'],
    ['123456', 'PIN码不能是连续数字'], ['654321', 'PIN码不能是连续数字'], ['345678', 'PIN码不能是连续数字'],
  ])('%s → %s', (pin, problem) => expect(pinProblem(pin)).toBe(problem));
});

describe('consent gates', () => {
  it.each([
    [true, true, true], [true, false, false], [false, true, false], [false, false, false],
  ])('moral_points %s, public_boards %s → board and rank %s', (moral_points, public_boards, shown) => {
    expect(mayAppearOnBoard({ moral_points, public_boards })).toBe(shown);
    expect(mayShowRank({ moral_points, public_boards })).toBe(shown);
  });
  it('an ID number is never typed into a correction request', () => {
    expect(fieldTakesValue('idNumber')).toBe(false);
    expect(fieldTakesValue('name')).toBe(true);
  });
});
