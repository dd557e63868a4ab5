import { describe, expect, it } from 'vitest';
import { passwordProblem, usernameProblem } from './validation';

describe('account rules', () => {
  it('accepts valid usernames, Korean included', () => {
    expect(usernameProblem('player_1')).toBeNull();
    expect(usernameProblem('발전왕')).toBeNull();
  });
  it('rejects bad usernames', () => {
    expect(usernameProblem('ab')).not.toBeNull();
    expect(usernameProblem('a'.repeat(21))).not.toBeNull();
    expect(usernameProblem('bad name')).not.toBeNull();
  });
  it('needs a letter and a digit in 8–128 characters', () => {
    expect(passwordProblem('abcdefg1')).toBeNull();
    expect(passwordProblem('abcdefgh')).not.toBeNull();
    expect(passwordProblem('12345678')).not.toBeNull();
    expect(passwordProblem('a1')).not.toBeNull();
  });
});
