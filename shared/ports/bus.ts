/** The event bus port: EventBridge in AWS, the in-process bus locally, a stub in tests. */
export interface BusEvent {
  detailType: string;
  detail: Record<string, unknown>;
}

export interface EventBus {
  /** Resolves only when every event is durably on the bus; rejects with BusPublishError otherwise. */
  publish(events: readonly BusEvent[]): Promise<void>;
}

export class BusPublishError extends Error {
  override readonly name = 'BusPublishError';
  constructor(
    message: string,
    readonly failedCount: number,
  ) {
    super(message);
  }
}
