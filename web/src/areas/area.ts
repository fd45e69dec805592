import type { ReactNode } from 'react';
import type { Me } from '../api';
import type { T } from '../i18n';

export interface NavItem {
  to: string;
  label: string;
  current: boolean;
}

/**
 * One area of the portal (the citizen's pages, the officer's, the operator's, the public statistics): its pages by
 * path and its entries in the main navigation for the signed-in user. App.tsx asks each area in turn.
 */
export interface Area {
  /** the page for this path, or null when the path is not this area's */
  page(path: string): ReactNode | null;
  nav(me: Me | null | undefined, path: string, t: T): NavItem[];
}
