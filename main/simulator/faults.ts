/**
 * Fault injection for QA and trainers (spec §13 "Fault injection switches"): the next N calls of an operation
 * answer with a status (default 503), after a delay, or lose their response (`drop`: the connection is cut).
 * `before-commit`: the operation does not happen — or, with a delay and neither status nor drop, it happens
 * late: the request waits first and is then carried out, after a caller with a shorter timeout gave up (a late
 * commit that may land after the caller's repeat). `after-commit`: it happens and is stored, but the caller
 * never learns it — the case the app's reconciliation (GET ?ac / GET ?secret) exists for.
 * Faults live in memory only and are cleared by `/_sim/reset`.
 */
import { z } from 'zod';

export const faultOperations = ['accept', 'dispense', 'close', 'reject', 'abort', 'getByAc', 'getBySecret', 'any'] as const;
export type FaultOperation = (typeof faultOperations)[number];
export type FaultTarget = Exclude<FaultOperation, 'any'> | 'other';

export const faultRequestSchema = z
  .object({
    operation: z.enum(faultOperations),
    count: z.number().int().min(1).max(1000).default(1),
    status: z.number().int().min(400).max(599).optional(),
    delayMs: z.number().int().min(0).max(120_000).optional(),
    phase: z.enum(['before-commit', 'after-commit']).default('before-commit'),
    drop: z.boolean().optional(),
  })
  .strict();
export type FaultRequest = z.infer<typeof faultRequestSchema>;

export interface FaultRule {
  operation: FaultOperation;
  remaining: number;
  /** undefined with a delay and no drop = only slow, the call then succeeds normally */
  status: number | undefined;
  delayMs: number;
  phase: 'before-commit' | 'after-commit';
  drop: boolean;
}

export class FaultInjector {
  private rules: FaultRule[] = [];

  add(request: FaultRequest): FaultRule {
    const onlyDelay = request.status === undefined && !request.drop && (request.delayMs ?? 0) > 0;
    const rule: FaultRule = {
      operation: request.operation,
      remaining: request.count,
      status: onlyDelay ? undefined : (request.status ?? 503),
      delayMs: request.delayMs ?? 0,
      phase: request.phase,
      drop: request.drop ?? false,
    };
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  clear(): void {
    this.rules = [];
  }

  /** The first armed rule for this call, counted down; undefined when none applies. */
  take(target: FaultTarget): FaultRule | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && (r.operation === 'any' || r.operation === target));
    if (!rule) return undefined;
    rule.remaining -= 1;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return { ...rule };
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
