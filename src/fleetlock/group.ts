// The FleetLock group rule, in one place for the protocol, the server's flags, the agent's and `explain`.
const GROUP_PATTERN = /^[a-zA-Z0-9.-]+$/;

export const MAX_GROUP_LENGTH = 253;

/** Letters, digits, dots and dashes, at least one: what FleetLock allows in `client_params.group`. */
export function isGroupName(value: string): boolean {
  return GROUP_PATTERN.test(value);
}

/** What is wrong with `value` as a group ("must not be empty"), or undefined when it is one. */
export function groupProblem(value: string): string | undefined {
  if (value === '') return 'must not be empty';
  if (value.length > MAX_GROUP_LENGTH) return `must be at most ${MAX_GROUP_LENGTH} characters`;
  if (!isGroupName(value)) return 'may contain only letters, digits, "." and "-"';
  return undefined;
}
