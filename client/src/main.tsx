import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import './theme.css';
import './styles.css';
import './layout.css';
import { initTheme } from './theme';

const isWidget = window.location.pathname.replace(/\/+$/, '') === '/widget';
// The widget's theme comes from its address (docs/widget.md); the dashboard's is set before the first render so
// the page never flashes the other theme.
if (!isWidget) initTheme();

// One build serves both pages; each loads only its own code, so an embedded widget does not pull in the charts.
const Page = isWidget
  ? lazy(() => import('./widget/Widget').then((m) => ({ default: m.Widget })))
  : lazy(() => import('./App').then((m) => ({ default: m.App })));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Suspense fallback={null}>
      <Page />
    </Suspense>
  </StrictMode>,
);
