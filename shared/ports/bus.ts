/** The event bus port: EventBridge in AWS, the in-process bus locally, a stub in tests. */
export interface BusEvent {
  detailType: string;
  detail: Record<string, unknown>;
}

export interface EventBus {
  /** Resolves only when every event is durably on the bus; rejects with BusPublishError (shared/adapters/errors.ts) otherwise. */
  publish(events: readonly BusEvent[]): Promise<void>;
}
