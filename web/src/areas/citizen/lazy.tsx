import { lazy, Suspense, type ComponentProps } from 'react';
import { Loading } from '../../components';

const ApplicationActions = lazy(() => import('./ApplicationActions').then((m) => ({ default: m.ApplicationActions })));
const SubmittedData = lazy(() => import('./ApplicationActions').then((m) => ({ default: m.SubmittedData })));

/** The application page's actions (pay, answer, withdraw), loaded when a signed-in citizen opens an application. */
export function ApplicationActionsLazy(props: ComponentProps<typeof ApplicationActions>) {
  return (
    <Suspense fallback={<Loading />}>
      <ApplicationActions {...props} />
    </Suspense>
  );
}

/** The application's data as submitted, labelled from the service's form (same chunk as the actions). */
export function SubmittedDataLazy(props: ComponentProps<typeof SubmittedData>) {
  return (
    <Suspense fallback={<Loading />}>
      <SubmittedData {...props} />
    </Suspense>
  );
}
