import type { ComponentType } from 'react';
import type { Area } from '../area';
import { AgenciesPage } from './pages/Agencies';
import { CatalogPage } from './pages/Catalog';
import { ExchangePage } from './pages/Exchange';
import { ExchangeClientsPage } from './pages/ExchangeClients';
import { ExternalServicesPage } from './pages/ExternalServices';
import { HealthPage } from './pages/Health';
import { LocalGroupsPage } from './pages/LocalGroups';
import { OverviewPage } from './pages/Overview';
import './operator.css';

// The node operator's screens: the node at a glance, the service catalog as loaded, agencies and their officers, the
// exchange's access rights and message log, the information systems registered on its client interface, the local
// groups of its provider subsystems, the services it provides from agencies' own systems, and the health of queues,
// timers and the federation.
const PAGES: Record<string, ComponentType> = {
  '/operator': OverviewPage,
  '/operator/catalog': CatalogPage,
  '/operator/agencies': AgenciesPage,
  '/operator/exchange': ExchangePage,
  '/operator/exchange/clients': ExchangeClientsPage,
  '/operator/exchange/local-groups': LocalGroupsPage,
  '/operator/exchange/external-services': ExternalServicesPage,
  '/operator/health': HealthPage,
};

export const operatorArea: Area = {
  page(path) {
    const key = path.length > 1 ? path.replace(/\/+$/, '') : path;
    const Page = Object.hasOwn(PAGES, key) ? PAGES[key] : null;
    return Page ? <Page /> : null;
  },
  nav(me, path, t) {
    if (me?.role !== 'operator') return [];
    return [{ to: '/operator', label: t('operator.nav'), current: path === '/operator' || path.startsWith('/operator/') }];
  },
};
