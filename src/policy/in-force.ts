// What is in force while an edit is rejected, in the words the condition, Event, log, CLI and status page use.

/** "generation 3 (last accepted)", or "the flags" when no generation was ever accepted. */
export function inForceText(generation: number | undefined): string {
  return generation === undefined ? 'the flags' : `generation ${generation} (last accepted)`;
}

/** "generation 3 (last accepted) stays in force", "the flags stay in force". */
export function staysInForce(generation: number | undefined): string {
  return `${inForceText(generation)} ${generation === undefined ? 'stay' : 'stays'} in force`;
}

/** How a rejected edit's own spec.pause fares: it applies (a pause always works) unless it is itself the bad field. */
export function rejectedPauseText(pauseApplies: boolean, paused: boolean): string {
  if (!pauseApplies) return '';
  return `; its spec.pause applies: new reboots are ${paused ? 'paused' : 'not paused'}`;
}
