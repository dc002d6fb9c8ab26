import { createRoot } from 'react-dom/client';
import 'ol/ol.css';
import './styles.css';
import './i18n/index.ts';
import { App } from './App.tsx';

createRoot(document.getElementById('root')!).render(<App />);
