// The MaintenanceRequest CRD schema's limits, in characters and seconds, for checks before any API call (a test keeps them equal).
export const REQUEST_LIMITS = { reason: 1024, requester: 253, name: 253, seconds: 604_800 } as const;
