import { describe, expect, it } from 'vitest';
import { requestTarget, urlOnOrigin } from './request-target.js';

describe('urlOnOrigin / requestTarget (RFC 9112 §3.2.1 origin-form)', () => {
  it('keeps a path that begins // on the origin instead of reading it as another host', () => {
    const url = urlOnOrigin('http://127.0.0.1:8080/api/v1', '//other.example/x?y=1');
    expect(url.host).toBe('127.0.0.1:8080');
    expect(url.pathname).toBe('//other.example/x');
    expect(requestTarget('http://127.0.0.1:8080', '//other.example/x?y=1')).toBe('//other.example/x?y=1');
  });

  it('percent-encodes what a request line cannot carry, drops the fragment, resolves dot segments', () => {
    expect(requestTarget('https://api.example.com', '/café?q=ü b')).toBe('/caf%C3%A9?q=%C3%BC%20b');
    expect(requestTarget('https://api.example.com', '/a%20b#frag')).toBe('/a%20b');
    expect(requestTarget('https://api.example.com', '/a/./b/../c')).toBe('/a/c');
    expect(requestTarget(new URL('http://[::1]:9/x'), 'items')).toBe('/items');
  });
});
