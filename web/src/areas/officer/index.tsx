import { match } from '../../router';
import type { Area } from '../area';
import { OfficerApplicationPage } from './ApplicationPage';
import { QueuePage } from './QueuePage';
import './officer.css';

/** The agency officer's screens: the work queue and one application with its actions. */
export const officerArea: Area = {
  page(path) {
    if (path === '/officer' || path === '/officer/') return <QueuePage />;
    const m = match('/officer/applications/:id', path);
    if (m) return <OfficerApplicationPage key={m.id} id={m.id} />;
    return null;
  },
  nav(me, path, t) {
    if (me?.role !== 'officer') return [];
    return [{ to: '/officer', label: t('officer.nav.queue'), current: path === '/officer' || path.startsWith('/officer/') }];
  },
};
