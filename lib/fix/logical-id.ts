import { createHash } from 'crypto';

/**
 * A logical id derived only from what is granted (never from order or time), so that synthesizing
 * twice gives byte-identical templates and a second run finds the construct it would add.
 * `label` keeps the id readable; the hash carries the identity.
 */
export function fixLogicalId(prefix: string, label: string, ...identity: string[]): string {
  const hash = createHash('sha256').update(identity.join('\u0000')).digest('hex').slice(0, 16).toUpperCase();
  const readable = label.replace(/[^A-Za-z0-9]/g, '').slice(0, 48);
  return `${prefix}${readable}${hash}`;
}
