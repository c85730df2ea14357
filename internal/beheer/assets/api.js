// @ts-check
// Asking the signed-in API at /beheer/graphql.

import { state } from './state.js';
import { withFragments } from './queries.js';

export class SignedOut extends Error {}

// gql sends one request to the signed-in API; it returns data and errors
// (errors are the caller's to show) and throws only when the request itself fails.
export async function gql(query, variables = {}) {
  const res = await fetch('/beheer/graphql', {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Catalogus-CSRF': state.session.csrf },
    body: JSON.stringify({ query: withFragments(query), variables }),
  });
  if (res.status === 401) throw new SignedOut();
  const body = await res.json();
  return { data: body.data, errors: body.errors || [] };
}

export async function read(query, variables) {
  const r = await gql(query, variables);
  if (r.errors.length) throw new Error(r.errors[0].message);
  return r.data;
}
