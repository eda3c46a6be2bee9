/**
 * Structured Field Values (RFC 9651, which obsoletes RFC 8941) through the `structured-headers`
 * library: the grammar (quoted strings with escapes, parameters, inner lists, tokens, byte
 * sequences, dates) is the library's; this module only turns its exceptions into problems.
 */
import {
  type BareItem,
  type Dictionary,
  type InnerList,
  type Item,
  type List,
  type Parameters,
  parseDictionary,
  parseItem,
  parseList,
  Token,
} from 'structured-headers';
import type { Parsed } from './field-lines.js';

export type { BareItem, Dictionary, InnerList, Item, List, Parameters };

function attempt<T>(kind: string, value: string, parse: (v: string) => T): Parsed<T> {
  try {
    return { value: parse(value), problems: [] };
  } catch (err) {
    const why = (err as Error).message.split('\n')[0] ?? 'invalid';
    return {
      value: undefined,
      problems: [`"${value.slice(0, 60)}" is not a structured-field ${kind} (RFC 9651): ${why}`],
    };
  }
}

/** Parses an SF List (RFC 9651 §4.2.1); an empty value is an empty list. */
export function parseSfList(value: string): Parsed<List> {
  return attempt('List', value, parseList);
}

/** Parses an SF Dictionary (RFC 9651 §4.2.2). */
export function parseSfDictionary(value: string): Parsed<Dictionary> {
  return attempt('Dictionary', value, parseDictionary);
}

/** Parses an SF Item (RFC 9651 §4.2.3). */
export function parseSfItem(value: string): Parsed<Item> {
  return attempt('Item', value, parseItem);
}

/** True when a List member is an Inner List rather than an Item (RFC 9651 §3.1.1). */
export function isInnerList(member: Item | InnerList): member is InnerList {
  return Array.isArray(member[0]);
}

/** An SF Integer (RFC 9651 §3.3.1) that is ≥ 0, or undefined for any other bare item. */
export function nonNegativeInteger(v: BareItem | undefined): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

/** The text of an SF String or Token (RFC 9651 §3.3.3–3.3.4), or undefined for other bare items. */
export function stringOrToken(v: BareItem | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof Token) return v.toString();
  return undefined;
}

/** Describes a bare item's type for problem messages ("a Decimal", "a Token"). */
export function describeBareItem(v: BareItem | undefined): string {
  if (v === undefined) return 'absent';
  if (typeof v === 'number') return Number.isInteger(v) ? `the Integer ${v}` : `the Decimal ${v}`;
  if (typeof v === 'string') return `the String "${v.slice(0, 30)}"`;
  if (typeof v === 'boolean') return `the Boolean ${v ? '?1' : '?0'}`;
  if (v instanceof Token) return `the Token ${v.toString()}`;
  if (v instanceof Date) return 'a Date';
  return 'a Byte Sequence';
}
