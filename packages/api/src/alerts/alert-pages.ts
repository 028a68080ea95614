import type { AlertPage, AlertQuery } from '../ports.ts';

/** Anything that answers alert queries a page at a time: an `AlertStore`, or a journal's in-memory index. */
export interface PagedAlertSearch {
  search(query: AlertQuery): AlertPage | Promise<AlertPage>;
}

/** Every page of a query, newest first, following `nextCursor`: the one cursor loop over an alert store. */
export async function* alertPages(store: PagedAlertSearch, query: Omit<AlertQuery, 'cursor'>): AsyncGenerator<AlertPage> {
  let cursor: string | undefined;
  do {
    const page = await store.search({ ...query, cursor });
    yield page;
    cursor = page.nextCursor;
  } while (cursor);
}
