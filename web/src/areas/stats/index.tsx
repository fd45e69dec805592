import { lazy, Suspense } from 'react';
import { Loading } from '../../components';
import type { Area } from '../area';
import './stats.css';

// The statistics page and its charts load only when someone opens it.
const StatisticsPage = lazy(() => import('./StatisticsPage').then((m) => ({ default: m.StatisticsPage })));

/** The public statistics of the node's services and their open data: for everyone, signed in or not. */
export const statsArea: Area = {
  page: (path) =>
    path === '/statistics' ? (
      <Suspense fallback={<Loading reserve />}>
        <StatisticsPage />
      </Suspense>
    ) : null,
  nav: (_me, path, t) => [{ to: '/statistics', label: t('stats.nav'), current: path === '/statistics' }],
};
