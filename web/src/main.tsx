import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { I18nProvider, initialLanguage, loadMessages } from './i18n';
import { RouterProvider } from './router';
import { SessionProvider } from './session';
import './styles.css';

// The interface language's messages are loaded before the first render (one small chunk per language).
const lang = initialLanguage();
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
