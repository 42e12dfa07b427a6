import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, FUNCTIONS, entryOf, functionSpec, type FunctionName, type Trigger } from '../../infra/functions.js';
import { PUBLISHES, TABLE_ACCESS } from '../../infra/permissions.js';
import { FUNCTION_ENV } from '../../shared/config/env.js';
import { QUEUES, SCHEDULES, STREAM_RELAY } from '../../shared/routing.js';

/** What the routing tables say invokes each function. */
function triggersFromTables(): Map<FunctionName, Trigger[]> {
  const found = new Map<FunctionName, Trigger[]>();
  const add = (name: string, trigger: Trigger) => {
    expect(FUNCTION_NAMES, `${name} (${trigger}) is in the registry`).toContain(name);
    found.set(name as FunctionName, [...(found.get(name as FunctionName) ?? []), trigger]);
  };
  for (const q of Object.values(QUEUES)) add(q.consumer, 'queue');
  for (const s of Object.keys(SCHEDULES)) add(s, 'schedule');
  add(STREAM_RELAY.consumer, 'stream');
  return found;
}

describe('the function registry (infra/functions.ts)', () => {
  it('has an entry file for every function, and no function folder outside it', () => {
    for (const name of FUNCTION_NAMES) expect(existsSync(entryOf(name)), entryOf(name)).toBe(true);
    expect(readdirSync('functions').sort()).toEqual([...FUNCTION_NAMES].sort());
  });

  it('agrees with the routing tables: each queue, schedule and stream names a function of that trigger', () => {
    const fromTables = triggersFromTables();
    for (const name of FUNCTION_NAMES) {
      const trigger = FUNCTIONS[name].trigger;
      if (trigger === 'http') {
        expect(fromTables.get(name), `${name} is served by routes, not by a queue, schedule or stream`).toBeUndefined();
      } else {
        expect(fromTables.get(name), name).toEqual([trigger]);
      }
    }
  });

  it('gives a consumer a timeout its queue visibility timeout covers six times', () => {
    for (const q of Object.values(QUEUES))
      expect(q.visibilityTimeoutSeconds, q.consumer).toBeGreaterThanOrEqual(6 * FUNCTIONS[q.consumer].timeoutSeconds);
  });

  it('covers the same functions as their environment schemas and permissions', () => {
    expect(Object.keys(FUNCTION_ENV).sort()).toEqual([...FUNCTION_NAMES].sort());
    expect(Object.keys(TABLE_ACCESS).sort()).toEqual([...FUNCTION_NAMES].sort());
    for (const name of Object.keys(PUBLISHES)) expect(FUNCTION_NAMES).toContain(name);
  });

  it('describes a function with its rights from infra/permissions.ts, not a copy', () => {
    const office = functionSpec('office-api');
    expect(office).toMatchObject({ name: 'office-api', entry: 'functions/office-api/handler.ts', trigger: 'http', memoryMiB: 256 });
    expect(office.tableAccess).toBe(TABLE_ACCESS['office-api']);
    expect(functionSpec('relay-outbox').publishes).toBe(PUBLISHES['relay-outbox']);
    expect(functionSpec('query-api').publishes).toEqual([]);
    // Its decisions and amendments are outbox records: the relay publishes them, office-api nothing (issue 18).
    expect(office.publishes).toEqual([]);
    expect([...functionSpec('relay-outbox').publishes].sort()).toEqual([
      'event.registered',
      'plan.amended',
      'progress.submitted',
      'review.recorded',
    ]);
  });
});
