import { api, type ServiceDetail } from '../api';
import { Breadcrumb, Deadline, ErrorNotice, Fee, Loading, useLabel } from '../components';
import { useLoad, useTitle } from '../hooks';
import { ENDONYMS, isLang, useI18n } from '../i18n';
import { Link } from '../router';
import { useSession } from '../session';

export function ServicePage({ code }: { code: string }) {
  const { t, fmt, lang } = useI18n();
  const label = useLabel();
  const { me } = useSession();
  const service = useLoad((signal) => api<ServiceDetail>(`/api/v1/services/${encodeURIComponent(code)}`, { lang: true, signal }), [code, lang]);
  useTitle(service.status === 'ok' ? service.data.title : t('service.loadingTitle'));

  if (service.status === 'loading') return <Loading reserve />;
  if (service.status === 'error')
    return (
      <>
        <h1>{t('service.notFoundTitle')}</h1>
        <ErrorNotice error={service.error} />
        <p>
          <Link to="/">{t('service.back')}</Link>
        </p>
      </>
    );
  const s = service.data;
  const other = s.language !== lang;

  return (
    <article className="service">
      <Breadcrumb trail={[{ to: '/', label: t('nav.services') }, { label: s.title, lang: s.language }]} />
      <h1 lang={s.language}>{s.title}</h1>
      {other && <p className="notice info">{t('service.otherLanguage', { language: isLang(s.language) ? ENDONYMS[s.language] : s.language })}</p>}
      <p className="lead" lang={s.language}>
        {s.description}
      </p>

      <section aria-labelledby="facts">
        <h2 id="facts">{t('service.facts')}</h2>
        <dl className="facts wide">
          <div>
            <dt>{t('service.result')}</dt>
            <dd lang={s.language}>
              {s.result.title}
              {s.result.validDays ? ` — ${t('service.validFor', { count: s.result.validDays, n: fmt.number(s.result.validDays) })}` : ''}
            </dd>
          </div>
          <div>
            <dt>{t('service.applicants')}</dt>
            <dd>{s.applicants.map((a) => label('applicant', a)).join(', ')}</dd>
          </div>
          <div>
            <dt>{t('service.fee')}</dt>
            <dd>
              <Fee {...s.fee} />
              {s.fee.basis && s.fee.amount > 0 && (
                <span className="basis" lang="en">
                  {' '}
                  ({s.fee.basis})
                </span>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('service.deadline')}</dt>
            <dd>
              <Deadline {...s.deadline} />
            </dd>
          </div>
          <div>
            <dt>{t('service.agency')}</dt>
            <dd lang={s.language}>{s.agency.name}</dd>
          </div>
          <div>
            <dt>{t('service.state')}</dt>
            <dd>{fmt.region(s.state)}</dd>
          </div>
          <div>
            <dt>{t('service.category')}</dt>
            <dd>
              {label('category', s.category)}
              {s.lifeEvents.length > 0 && ` · ${s.lifeEvents.map((e) => label('lifeEvent', e)).join(', ')}`}
            </dd>
          </div>
        </dl>
      </section>

      {s.evidence.length > 0 && (
        <section aria-labelledby="evidence">
          <h2 id="evidence">{t('service.evidence')}</h2>
          <p>{t('service.evidenceIntro')}</p>
          <ul className="evidence">
            {s.evidence.map((e) => (
              <li key={e.key}>
                <span lang={s.language}>{e.title}</span> <span className="muted">— {t('service.fromRegistry', { registry: label('registry', e.registry) })}</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      {s.workflow.length > 0 && (
        <section aria-labelledby="steps">
          <h2 id="steps">{t('service.steps')}</h2>
          <ol className="steps">
            {s.workflow.map((w) => (
              <li key={w.id} lang={s.language}>
                {w.title}
              </li>
            ))}
          </ol>
        </section>
      )}

      <section aria-labelledby="apply" className="apply-box">
        <h2 id="apply">{t('service.applyTitle')}</h2>
        {!s.applicants.includes('person') ? (
          <p>{t('service.applyOrganizations')}</p>
        ) : me === undefined ? (
          // (the session is not known yet: the room of the invitation to sign in, unseen, so that nothing moves)
          <div className="pending" aria-hidden="true">
            <p>{t('service.applySignIn')}</p>
            <p>
              <span className="button">{t('service.signInToApply')}</span>
            </p>
          </div>
        ) : me === null ? (
          <>
            <p>{t('service.applySignIn')}</p>
            <p>
              <Link className="button" to={`/signin?next=${encodeURIComponent(`/services/${s.code}/apply`)}`}>
                {t('service.signInToApply')}
              </Link>
            </p>
          </>
        ) : me.role === 'citizen' ? (
          <>
            <p>{t('service.applyHow')}</p>
            <p>
              <Link className="button" to={`/services/${encodeURIComponent(s.code)}/apply`}>
                {t('service.apply')}
              </Link>
            </p>
          </>
        ) : (
          <p>{t('service.applyCitizensOnly')}</p>
        )}
      </section>

      {(s.legalBasis || (s.sources && s.sources.length > 0)) && (
        <section aria-labelledby="law">
          <h2 id="law">{t('service.legal')}</h2>
          {s.legalBasis && <p>{s.legalBasis}</p>}
          {s.sources && s.sources.length > 0 && (
            <ul className="sources">
              {s.sources.map((u) => (
                <li key={u}>
                  <a href={u} rel="noopener noreferrer external">
                    {new URL(u).hostname}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </article>
  );
}
