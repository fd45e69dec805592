import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { prefetch, setApiLanguage } from './api';
import { I18nProvider, initialLanguage, loadMessages } from './i18n';
import { RouterProvider } from './router';
import { SessionProvider } from './session';
import './styles.css';

// The interface language's messages are loaded before the first render (one small chunk per language); what the
// first page shows is asked for meanwhile.
const lang = initialLanguage();
setApiLanguage(lang);
prefetch('/api/v1/auth/session');
if (location.pathname === '/') prefetch('/api/v1/services', { lang: true });
const service = /^\/services\/([a-z0-9-]+)$/.exec(location.pathname);
if (service) prefetch(`/api/v1/services/${service[1]}`, { lang: true });
const messages = await loadMessages(lang);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider initial={{ lang, messages }}>
      <RouterProvider>
        <SessionProvider>
          <App />
        </SessionProvider>
      </RouterProvider>
    </I18nProvider>
  </StrictMode>,
);
