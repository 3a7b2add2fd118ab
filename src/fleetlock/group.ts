// The FleetLock group rule, in one place for the protocol, the server's flags and the agent's.
const GROUP_PATTERN = /^[a-zA-Z0-9.-]+$/;

/** Letters, digits, dots and dashes, at least one: what FleetLock allows in `client_params.group`. */
export function isGroupName(value: string): boolean {
  return GROUP_PATTERN.test(value);
}
