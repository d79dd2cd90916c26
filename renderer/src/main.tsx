import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { connectAgentBridge } from './bridge/agent-bridge';
import { parseRoute } from './route';
import './base.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <App bridge={connectAgentBridge()} route={parseRoute(window.location.search)} />
  </StrictMode>,
);
