import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import './theme.css';
import './styles.css';
import './layout.css';

// One build serves both pages; each loads only its own code, so an embedded widget does not pull in the charts.
const Page =
  window.location.pathname.replace(/\/+$/, '') === '/widget'
    ? lazy(() => import('./widget/Widget').then((m) => ({ default: m.Widget })))
    : lazy(() => import('./App').then((m) => ({ default: m.App })));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Suspense fallback={null}>
      <Page />
    </Suspense>
  </StrictMode>,
);
