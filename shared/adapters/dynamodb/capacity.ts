import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';

/**
 * `transactWrite`: the write units of a transaction as DynamoDB Local reports them (1 per item);
 * DynamoDB charges 2 per item, so the meter counts them twice.
 */
export type CapacityKind = 'read' | 'write' | 'transactWrite';

/** Collects `ReturnConsumedCapacity` figures when a meter is given (benchmarks); costs nothing otherwise. */
export interface CapacityMeter {
  record(operation: string, kind: CapacityKind, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): void;
}

export function capacityOption(meter: CapacityMeter | undefined): { ReturnConsumedCapacity?: 'TOTAL' } {
  return meter ? { ReturnConsumedCapacity: 'TOTAL' } : {};
}

/** A meter that sums capacity units per operation name. */
export class SummingCapacityMeter implements CapacityMeter {
  readonly totals = new Map<string, { read: number; write: number; calls: number }>();

  record(operation: string, kind: CapacityKind, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): void {
    const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
    const t = this.totals.get(operation) ?? { read: 0, write: 0, calls: 0 };
    t.calls++;
    for (const c of list) {
      if (kind === 'transactWrite') t.write += 2 * (c.CapacityUnits ?? 0);
      else t[kind] += c.CapacityUnits ?? 0;
    }
    this.totals.set(operation, t);
  }

  sum(): { read: number; write: number } {
    let read = 0;
    let write = 0;
    for (const t of this.totals.values()) {
      read += t.read;
      write += t.write;
    }
    return { read, write };
  }

  reset(): void {
    this.totals.clear();
  }
}
