// Placeholder until the protocol branch lands; replaced by the real implementation.
import { createHmac } from 'node:crypto';
export function normalizeMachineId(s: string): string | undefined {
  const v = s.replace(/-/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(v) ? v : undefined;
}
export function zincatiId(machineId: string): string {
  const h = createHmac('sha256', Buffer.from(machineId, 'hex')).update(Buffer.from('de35106b6ec24688b63afddaa156679b', 'hex')).digest().subarray(0, 16);
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x40;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  return h.toString('hex');
}
