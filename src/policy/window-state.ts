// Whether a scope's windows are open at an instant, and until when: overlapping or abutting openings count as one.
import { DAY_MS, compileWindow, openingsOf, type CompiledWindow } from './window-openings.js';
import type { Window, WindowState } from './windows.js';

/** How far ahead a closing or an opening is looked for: past a week, so every weekly window is seen once. */
export const HORIZON_MS = 8 * DAY_MS;

export interface WindowScan extends WindowState {
  /** Time zone of the window whose edge `closesAt` or `opensAt` is, to describe that instant in. */
  readonly timeZone?: string;
}

/** The state of `windows` at `now`, with the zone of the boundary it reports (no windows: always open). */
export function scanWindows(windows: readonly CompiledWindow[], now: number): WindowScan {
  if (windows.length === 0) return { open: true };
  const until = now + HORIZON_MS;
  const openings = windows.flatMap((w) => openingsOf(w, now, until)).sort((a, b) => a.opens - b.opens);
  const first = openings[0];
  if (!first) return { open: false };
  if (first.opens > now) return { open: false, opensAt: first.opens, timeZone: first.timeZone };
  // Open: follow the run of openings that overlap or abut the one in progress.
  let closes = first.closes;
  let timeZone = first.timeZone;
  for (const o of openings) {
    if (o.opens > closes) break;
    if (o.closes > closes) ({ closes, timeZone } = o);
  }
  // Past the horizon an unseen opening could extend the run: its end is not known.
  return closes > until ? { open: true } : { open: true, closesAt: closes, timeZone };
}

/** Whether `now` is inside one of `windows` (no windows: always open), and when that changes. */
export function windowState(windows: readonly Window[], now: number): WindowState {
  const { open, closesAt, opensAt } = scanWindows(windows.map(compileWindow), now);
  if (closesAt !== undefined) return { open, closesAt };
  if (opensAt !== undefined) return { open, opensAt };
  return { open };
}
