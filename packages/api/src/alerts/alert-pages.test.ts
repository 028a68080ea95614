import { describe, expect, it } from 'vitest';
import type { AlertPage, AlertQuery } from '../ports.ts';
import { alertPages } from './alert-pages.ts';

describe('alertPages', () => {
  it('follows the cursor until the last page, keeping the query', async () => {
    const asked: AlertQuery[] = [];
    const pages: AlertPage[] = [
      { total: 3, alerts: [], nextCursor: 'a' },
      { total: 3, alerts: [], nextCursor: 'b' },
      { total: 3, alerts: [] },
    ];
    const store = { search: (query: AlertQuery) => (asked.push(query), pages[asked.length - 1]) };
    const seen: AlertPage[] = [];
    for await (const page of alertPages(store, { size: 2, organization: ['acme'] })) seen.push(page);
    expect(seen).toEqual(pages);
    expect(asked.map((q) => q.cursor)).toEqual([undefined, 'a', 'b']);
    expect(asked.every((q) => q.size === 2)).toBe(true);
  });
});
