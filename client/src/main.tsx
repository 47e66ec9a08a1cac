import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { Widget } from './widget/Widget';
import './styles.css';
import './layout.css';

// The widget is the same bundle at another path, so one build serves both.
const isWidget = window.location.pathname.replace(/\/+$/, '') === '/widget';

createRoot(document.getElementById('root')!).render(<StrictMode>{isWidget ? <Widget /> : <App />}</StrictMode>);
