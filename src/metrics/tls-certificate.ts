// reboot_manager_tls_certificate_expiry_seconds: set by the HTTP layer each time a certificate comes in force.
import { Gauge, type Registry } from 'prom-client';

/**
 * When the FleetLock port's certificate expires. Registered on the first certificate only, so a
 * server without TLS exports no series rather than a 0 an expiry alert would fire on.
 */
export class TlsCertificateGauge {
  private gauge: Gauge | undefined;

  constructor(private readonly registry: Registry) {}

  /** The certificate in force now expires at `notAfterMs` (unix ms). */
  inForce(notAfterMs: number): void {
    this.gauge ??= new Gauge({
      name: 'reboot_manager_tls_certificate_expiry_seconds',
      help: 'notAfter of the certificate in force on the FleetLock port, as unix seconds (set when TLS is on).',
      registers: [this.registry],
    });
    this.gauge.set(Math.floor(notAfterMs / 1000));
  }
}
