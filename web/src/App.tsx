import { citizenArea } from './areas/citizen';
import { officerArea } from './areas/officer';
import { operatorArea } from './areas/operator';
import { statsArea } from './areas/stats';
import { Layout } from './components';
import { useTitle } from './hooks';
import { useI18n } from './i18n';
import { ApplicationPage, ApplicationsPage } from './pages/Applications';
import { CatalogPage } from './pages/Catalog';
import { CheckPage } from './pages/Check';
import { ServicePage } from './pages/Service';
import { SignInPage } from './pages/SignIn';
import { Link, match, useRouter } from './router';

function NotFound() {
  const { t } = useI18n();
  useTitle(t('notFound.title'));
  return (
    <>
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.text')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </>
  );
}

export const AREAS = [citizenArea, officerArea, operatorArea, statsArea];

function Page() {
  const { path } = useRouter();
  let m: Record<string, string> | null;
  if (path === '/' || path === '') return <CatalogPage />;
  if ((m = match('/services/:code', path))) return <ServicePage key={m.code} code={m.code} />;
  if (path === '/check') return <CheckPage />;
  // (the address in a document's QR code: the check of that document, in the portal's frame)
  if ((m = match('/verify/:key', path))) return <CheckPage key={m.key} verifyKey={m.key} />;
  if (path === '/signin') return <SignInPage />;
  if (path === '/my/applications') return <ApplicationsPage />;
  if ((m = match('/my/applications/:id', path))) return <ApplicationPage key={m.id} id={m.id} />;
  for (const area of AREAS) {
    const page = area.page(path);
    if (page) return page;
  }
  return <NotFound />;
}

export function App() {
  return (
    <Layout areas={AREAS}>
      <Page />
    </Layout>
  );
}
