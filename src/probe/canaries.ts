import { randomBytes, randomInt } from 'node:crypto';

/** Builds a Luhn-valid 16-digit test card number starting with 4 (Visa test range). */
export function luhnCard(): string {
  const digits = [4, ...Array.from({ length: 14 }, () => randomInt(10))];
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits[digits.length - 1 - i]!;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${digits.join('')}${(10 - (sum % 10)) % 10}`;
}

/** Fresh canary secrets for one run, unique enough to be searched for in a log. */
export function createCanaries(): Record<string, string> {
  const tag = randomBytes(6).toString('hex');
  return {
    'bearer token': `hcCanary${tag}Tok3n${randomBytes(8).toString('hex')}`,
    'e-mail': `canary.${tag}@harden-check.example`,
    'card number': luhnCard(),
    password: `hc-pw-${tag}-S3cret!`,
  };
}
