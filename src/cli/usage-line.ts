/**
 * One line for a commander parse error (an unknown flag, a bad or missing option value, a missing
 * argument): `<command>: <what is wrong> (see <usage> --help)`. commander's
 * "option '--rate <req/s>' argument '-1' is invalid. --rate must be …" becomes
 * "--rate must be …, not -1"; "… is invalid. Allowed choices are a, b." becomes
 * "--format must be one of a, b, not xml".
 */
export function usageErrorLine(command: string, text: string, usage: string): string {
  let what = text
    .replace(/^error: /, '')
    .replace(/\s+/g, ' ')
    .trim();
  const invalid = /^option '(\S+)[^']*' argument '(.*)' is invalid\. (.*)$/.exec(what);
  if (invalid) {
    const [, flag, value, reason] = invalid as unknown as [string, string, string, string];
    const choices = /^Allowed choices are (.*?)\.?$/.exec(reason);
    const rule = choices ? `must be one of ${choices[1]}` : reason.replace(/\.$/, '');
    what = `${rule.startsWith(flag) ? rule : `${flag} ${rule}`}, not ${value}`;
  }
  return `${command}: ${what} (see ${usage} --help)\n`;
}
