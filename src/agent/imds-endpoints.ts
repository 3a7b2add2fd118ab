// Where IMDS lives and the API versions this agent speaks (the simulator serves the same paths).
export const DEFAULT_IMDS_URL = 'http://169.254.169.254';
export const COMPUTE_PATH = '/metadata/instance/compute?api-version=2021-02-01';
export const EVENTS_PATH = '/metadata/scheduledevents?api-version=2020-07-01';
