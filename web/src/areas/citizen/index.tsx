// The citizen's side of the portal: applying (the form from the service's schema, review, signature with the key
// file), paying, documents, messages, who looked at my data, proactive offers, signing others' applications that
// name me. The pages are loaded on demand, so that the public pages stay small.
import { lazy, Suspense, type ReactNode } from 'react';
import { Loading } from '../../components';
import { match } from '../../router';
import type { Area } from '../area';

const ApplyPage = lazy(() => import('./ApplyPage').then((m) => ({ default: m.ApplyPage })));
const PayPage = lazy(() => import('./PayPage').then((m) => ({ default: m.PayPage })));
const AccountPage = lazy(() => import('./AccountPage').then((m) => ({ default: m.AccountPage })));
const DocumentsPage = lazy(() => import('./DocumentsPage').then((m) => ({ default: m.DocumentsPage })));
const NotificationsPage = lazy(() => import('./NotificationsPage').then((m) => ({ default: m.NotificationsPage })));
const DataAccessPage = lazy(() => import('./DataAccessPage').then((m) => ({ default: m.DataAccessPage })));
const OffersPage = lazy(() => import('./OffersPage').then((m) => ({ default: m.OffersPage })));
const ConsentsPage = lazy(() => import('./ConsentsPage').then((m) => ({ default: m.ConsentsPage })));

const later = (page: ReactNode) => <Suspense fallback={<Loading />}>{page}</Suspense>;

/** The account's own pages (not the applications, which have their own menu entry). */
const ACCOUNT = ['/my', '/my/documents', '/my/notifications', '/my/data-access', '/my/offers', '/my/consents'];

export const citizenArea: Area = {
  page(path) {
    let m: Record<string, string> | null;
    if ((m = match('/services/:code/apply', path))) return later(<ApplyPage key={m.code} code={m.code} />);
    if ((m = match('/my/applications/:id/pay/:attempt', path))) return later(<PayPage key={m.attempt} applicationId={m.id} attemptId={m.attempt} />);
    if (path === '/my' || path === '/my/') return later(<AccountPage />);
    if (path === '/my/documents') return later(<DocumentsPage />);
    if (path === '/my/notifications') return later(<NotificationsPage />);
    if (path === '/my/data-access') return later(<DataAccessPage />);
    if (path === '/my/offers') return later(<OffersPage />);
    if (path === '/my/consents') return later(<ConsentsPage />);
    return null;
  },
  nav(me, path, t) {
    if (me?.role !== 'citizen') return [];
    return [{ to: '/my', label: t('citizen.nav.account'), current: ACCOUNT.includes(path.replace(/\/$/, '') || '/') }];
  },
};

