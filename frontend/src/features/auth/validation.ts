// The server's account rules (ORIGINAL-RULES.md §13), checked before sending so the player sees why at once.

export function usernameProblem(username: string): string | null {
  const length = [...username].length;
  if (length < 3 || length > 20) return '아이디는 3~20자여야 합니다.';
  if (!/^[\p{L}\p{N}_]+$/u.test(username)) return '아이디에는 글자, 숫자, _ 만 쓸 수 있습니다.';
  return null;
}

export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < 8 || length > 128) return '비밀번호는 8~128자여야 합니다.';
  if (!/\p{L}/u.test(password) || !/\p{N}/u.test(password)) return '비밀번호에는 글자와 숫자가 하나 이상 있어야 합니다.';
  return null;
}
