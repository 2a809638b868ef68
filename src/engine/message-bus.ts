/** Synchronous in-process publish/subscribe, used by the engine to announce order events. */
export class MessageBus {
  private readonly handlers = new Map<string, Array<(payload: unknown) => void>>();

  /** Registers a handler; returns a function that removes it. */
  subscribe<T>(topic: string, handler: (payload: T) => void): () => void {
    const list = this.handlers.get(topic) ?? [];
    const h = handler as (payload: unknown) => void;
    list.push(h);
    this.handlers.set(topic, list);
    return () => {
      const i = list.indexOf(h);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Calls every handler of `topic` in subscription order. */
  publish(topic: string, payload: unknown): void {
    const list = this.handlers.get(topic);
    if (!list) return;
    for (const h of list) h(payload);
  }

  /** True when anybody listens on `topic` (lets callers skip building payloads). */
  hasSubscribers(topic: string): boolean {
    return (this.handlers.get(topic)?.length ?? 0) > 0;
  }
}
