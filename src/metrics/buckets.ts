// Histogram buckets in seconds, chosen for how long each thing takes in a real cluster.

/** Waiting for a slot: zero when one is free, hours behind a long rollout. */
export const CLAIM_WAIT_BUCKETS = [0, 10, 30, 60, 300, 600, 1800, 3600, 7200, 14400, 43200];
/** Claim to drained: seconds for an empty node, up to --drain-timeout (30 min by default) and beyond. */
export const DRAIN_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];
/** Azure event first seen to approved: bounded by the drain, and by NotBefore (5-15 min ahead). */
export const APPROVAL_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800];
