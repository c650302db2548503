import { QueryClient } from '@tanstack/react-query';

/**
 * Server state lives only here (architecture §5). Every call goes to main on this machine: a failed call
 * is a typed AppError to show, not a flaky network to retry blindly (main owns the retry policy, spec §8).
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: 30_000 },
      mutations: { retry: false },
    },
  });
}
