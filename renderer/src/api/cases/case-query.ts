import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { CaseFilter, ErxBridge } from '../../../../shared/ipc/contract';
import { invoke } from '../../lib/invoke';

export const caseKeys = {
  all: ['cases'] as const,
  lists: () => [...caseKeys.all, 'list'] as const,
  list: (filter: CaseFilter, query: string) => [...caseKeys.lists(), { filter, query }] as const,
  details: () => [...caseKeys.all, 'detail'] as const,
  detail: (prescriptionId: string) => [...caseKeys.details(), prescriptionId] as const,
};

export const caseDetailQueryOptions = (bridge: ErxBridge, prescriptionId: string) =>
  queryOptions({
    queryKey: caseKeys.detail(prescriptionId),
    queryFn: () => invoke(bridge, 'getCase', { prescriptionId }),
  });

/**
 * How many cases the inbox shows at most (docs/performance.md, inbox-10k): the newest 100 of all matches — more than
 * fit a screen, few enough that a new search replaces the rows within a frame or two; the rest is found by search or
 * filter.
 */
const inboxPageSize = 100;

export const caseListQueryOptions = (bridge: ErxBridge, filter: CaseFilter = 'all', query = '') =>
  queryOptions({
    queryKey: caseKeys.list(filter, query),
    queryFn: () => invoke(bridge, 'listCases', { filter, query: query.trim() || undefined, limit: inboxPageSize }),
    // While a new search runs, the previous rows stay on screen instead of flashing empty.
    placeholderData: keepPreviousData,
    // Status, deadlines and last $dispense change through main's events, which invalidate the list.
    staleTime: 5_000,
  });
