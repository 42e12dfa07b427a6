import type { DashboardConfig } from '../config.js';

/** What every view is given. */
export interface ViewContext {
  config: DashboardConfig;
  planId: string;
  /** The element the view renders into. */
  main: HTMLElement;
  /** The query of the hash route (`#/overview?light=red` → light=red). */
  params: URLSearchParams;
  /** The path of the read API for this plan (`/v1/plans/<planId>`). */
  base: string;
}

export type View = (ctx: ViewContext, arg?: string) => Promise<void>;
