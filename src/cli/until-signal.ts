/** Waits for SIGTERM or SIGINT: Kubernetes stops a pod with SIGTERM, a terminal with Ctrl-C. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGTERM', done);
      process.off('SIGINT', done);
      resolve();
    };
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
  });
}
