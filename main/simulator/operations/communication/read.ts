/**
 * Reading and deleting Communications (spec erezept-pharmacy §3.11; FD 1.22 CommunicationGetHandler,
 * CommunicationDeleteHandler):
 *
 * - GET /Communication — the messages the caller sent or received (A_19520-02), Bundle `searchset` with `total`,
 *   50 per page and the FD's links. Search (A_19522): `sent`, `received` (date values with prefixes; `NULL` = none,
 *   so `received=NULL` lists the unread), `sender`, `recipient` (KVNR or Telematik-ID, comma = or); unknown
 *   parameters are ignored (FHIR). `_sort`: `sent` (default, A_24438), `-sent`, `received`, `-received`.
 * - GET /Communication/{id} — only for its sender or recipient, else 404 „no Communication found for id“; an id that is
 *   no lowercase UUID → 400 „Invalid format of communication id“.
 * - Both stamp `received` on every returned message the caller is the recipient of and that had none (A_19521) —
 *   the answer already shows it.
 * - DELETE /Communication/{id} — the sender's own message → 204 (A_20258, A_20260, A_20776). Someone else's →
 *   401 „<caller> is not allowed to delete communication for id <id>“ (the FD's status), none → 404.
 */
import { communicationResource, type CommunicationRecord } from '../../communication-record';
import { FachdienstError } from '../../operation-outcome';
import type { OperationRequest, OperationResult, SimulatorState } from '../context';
import { parseDateSearch, type DateMatcher } from '../fhir-search-date';
import { pageLinks, requestedPage, searchsetBundle } from '../paging';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A search over the caller's messages: which match, in which order (GET /Communication's query). */
export interface CommunicationSearch {
  filters: ((c: CommunicationRecord) => boolean)[];
  sort: { key: 'sent' | 'received'; descending: boolean }[];
  /** the query as the links repeat it (encoded `name=value`, sort last) */
  linkArgs: string[];
}

export async function listCommunications(state: SimulatorState, request: OperationRequest): Promise<OperationResult> {
  const search = parseCommunicationSearch(request);
  const page = requestedPage(request);
  const matches = searchCommunications(state, request.caller.idNummer, search);
  const pageItems = markRetrieved(state, matches.slice(page.offset, page.offset + page.count), request.caller.idNummer);
  const base = `${request.baseUrl}/Communication`;
  const entry = pageItems.map((c) => ({ fullUrl: `${base}/${c.id}`, resource: communicationResource(c), search: { mode: 'match' } }));
  return { status: 200, resource: searchsetBundle(state, matches.length, pageLinks(base, search.linkArgs, page, matches.length), entry) };
}

export async function getCommunication(state: SimulatorState, request: OperationRequest): Promise<OperationResult> {
  const id = validId(request.taskId);
  const found = state.repository.getCommunication(id);
  const caller = request.caller.idNummer;
  if (!found || (found.sender !== caller && found.recipient !== caller)) {
    throw new FachdienstError(404, 'no Communication found for id');
  }
  const [read] = markRetrieved(state, [found], caller);
  return { status: 200, resource: communicationResource(read ?? found) };
}

export async function deleteCommunication(state: SimulatorState, request: OperationRequest): Promise<OperationResult> {
  const id = validId(request.taskId);
  const found = state.repository.getCommunication(id);
  if (!found) throw new FachdienstError(404, `No communication found for id ${id}`);
  if (found.sender !== request.caller.idNummer) {
    throw new FachdienstError(401, `${request.caller.idNummer} is not allowed to delete communication for id ${id}`);
  }
  state.repository.deleteCommunication(id);
  return { status: 204 };
}

/** The caller's messages that match, in the requested order (by arrival when equal). */
export function searchCommunications(state: SimulatorState, caller: string, search: CommunicationSearch): CommunicationRecord[] {
  const found = state.repository.listCommunications(caller).filter((c) => search.filters.every((f) => f(c)));
  return found.sort((a, b) => {
    for (const { key, descending } of search.sort) {
      const order = (a[key] ?? '').localeCompare(b[key] ?? '');
      if (order !== 0) return descending ? -order : order;
    }
    return 0;
  });
}

/** A_19521: the first fetch by the recipient stamps `received`; the answer carries it already. */
export function markRetrieved(state: SimulatorState, communications: CommunicationRecord[], caller: string): CommunicationRecord[] {
  const now = state.clock.now().toISOString();
  return communications.map((c) => {
    if (c.recipient !== caller || c.received !== null) return c;
    const read = { ...c, received: now };
    state.repository.putCommunication(read);
    return read;
  });
}

export function parseCommunicationSearch(request: OperationRequest): CommunicationSearch {
  const filters: CommunicationSearch['filters'] = [];
  const linkArgs: string[] = [];
  for (const name of ['sent', 'received'] as const) {
    const raw = request.query(name);
    if (raw === undefined || raw === '') continue;
    const matcher: DateMatcher = parseDateSearch(name, raw);
    filters.push((c) => matcher(c[name] ?? undefined));
    linkArgs.push(`${name}=${encodeURIComponent(raw)}`);
  }
  for (const name of ['sender', 'recipient'] as const) {
    const raw = request.query(name);
    if (raw === undefined || raw === '') continue;
    const wanted = raw.split(',');
    if (wanted.some((v) => v === '')) throw new FachdienstError(400, `Unable to add search argument ${name}`);
    filters.push((c) => wanted.includes(c[name]));
    linkArgs.push(`${name}=${encodeURIComponent(raw)}`);
  }
  const sort = parseSort(request.query('_sort'));
  linkArgs.push(`_sort=${sort.map((s) => `${s.descending ? '-' : ''}${s.key}`).join(',')}`);
  return { filters, sort, linkArgs };
}

/** FD SortArgument: unknown keys are ignored; none left → `sent` (A_24438). */
function parseSort(raw: string | undefined): CommunicationSearch['sort'] {
  const sort: CommunicationSearch['sort'] = [];
  for (const part of (raw ?? '').split(',').map((p) => p.trim())) {
    const descending = part.startsWith('-');
    const key = descending ? part.slice(1) : part;
    if (key === 'sent' || key === 'received') sort.push({ key, descending });
  }
  return sort.length > 0 ? sort : [{ key: 'sent', descending: false }];
}

function validId(id: string): string {
  if (!UUID.test(id)) throw new FachdienstError(400, 'Invalid format of communication id');
  return id;
}
