// The days a window can open on, as the policy spells them, in the order people read a week.

export type Weekday = 'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat' | 'Sun';

/** Monday first: the order days are listed and ranges ("Mon–Fri") are read in. */
export const WEEKDAYS: readonly Weekday[] = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export const isWeekday = (v: unknown): v is Weekday => typeof v === 'string' && (WEEKDAYS as readonly string[]).includes(v);
