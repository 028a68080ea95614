/** Alert fixtures for tests of the packages built on the API (`@socle/api/testing`); not part of the runtime API. */
export { makeAlert } from './alert-fixtures.ts';
export { makeScopedAlert } from './scoped-alerts.ts';
