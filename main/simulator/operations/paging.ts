/**
 * Paging of the Fachdienst's searchsets (FD 1.22 PagingArgument, UrlArguments::createBundleLinks; A_19534): 50
 * entries per page; `_count` (1 …, capped at 50) and `__offset` (0 …) choose the page; the Bundle carries `total`
 * and the links self, first, prev (when not on the first page), next (when more follow) and last, each repeating
 * the search arguments. Used by the pharmacy's eGK Task list (spec §3.9) and GET /Communication (§3.11).
 */
import type { FhirResourceJson } from '../../../shared/fhir/xml';
import { FachdienstError } from '../operation-outcome';
import type { OperationRequest, SimulatorState } from './context';

/** A_19534: page size and its upper limit */
export const PAGE_SIZE = 50;

export interface Page {
  count: number;
  offset: number;
}

/** The page a request asks for; anything but a number in range is 400 with the FD's texts. */
export function requestedPage(request: OperationRequest): Page {
  return {
    count: Math.min(pagingNumber(request.query('_count'), '_count', false) ?? PAGE_SIZE, PAGE_SIZE),
    offset: pagingNumber(request.query('__offset'), '__offset', true) ?? 0,
  };
}

/**
 * The Bundle links of one page. `searchArgs` are already encoded (`name=value`); they go into every link, as the FD
 * repeats its query. The paging arguments appear in `self` only when the request chose a page.
 */
export function pageLinks(resourceUrl: string, searchArgs: readonly string[], page: Page, total: number): { relation: string; url: string }[] {
  const { count, offset } = page;
  const url = (pageOffset: number | undefined): string => {
    const args = pageOffset === undefined ? searchArgs : [...searchArgs, `_count=${count}`, `__offset=${pageOffset}`];
    return `${resourceUrl}${args.length > 0 ? `?${args.join('&')}` : ''}`;
  };
  const pagingSet = count !== PAGE_SIZE || offset > 0;
  const links = [{ relation: 'self', url: url(pagingSet ? offset : undefined) }, { relation: 'first', url: url(0) }];
  if (offset > 0) links.push({ relation: 'prev', url: url(Math.max(0, offset - count)) });
  if (total > offset + count) links.push({ relation: 'next', url: url(offset + count) });
  if (total > 0) links.push({ relation: 'last', url: url(total % count === 0 ? total - count : total - (total % count)) });
  return links;
}

/** FD PagingArgument: `_count` (1…) and `__offset` (0…); anything else is 400 with the FD's texts. */
function pagingNumber(raw: string | undefined, name: string, zeroAllowed: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const match = /^\s*[+-]?\d+/.exec(raw);
  if (!match) throw new FachdienstError(400, `invalid numeric format in ${name}`);
  if (match[0].length !== raw.length) {
    throw new FachdienstError(400, `trailing characters are not permitted in a numerical argument: ${name}`);
  }
  const value = Number(match[0]);
  if (Math.abs(value) > 2_147_483_647) throw new FachdienstError(400, `${name} value out of range`);
  if (value < 0) throw new FachdienstError(400, `${name} can not be negative`);
  if (value === 0 && !zeroAllowed) throw new FachdienstError(400, `${name} zero is not supported`);
  return value;
}

/** one `Bundle.entry`: fullUrl, resource, search mode (match, or include for a referenced resource) */
export type SearchsetEntry = Record<string, unknown>;

/**
 * A searchset Bundle as the FD answers its searches (A_19534): a fresh id, the simulator's time, `total` (all
 * matches, not only this page), the links, and `entry` only when there is one (FHIR JSON has no empty arrays).
 */
export function searchsetBundle(
  state: Pick<SimulatorState, 'ids' | 'clock'>,
  total: number,
  link: readonly { relation: string; url: string }[],
  entry: readonly SearchsetEntry[],
): FhirResourceJson {
  return {
    resourceType: 'Bundle',
    id: state.ids.uuid(),
    type: 'searchset',
    timestamp: state.clock.now().toISOString(),
    total,
    link: [...link],
    ...(entry.length > 0 ? { entry: [...entry] } : {}),
  };
}
