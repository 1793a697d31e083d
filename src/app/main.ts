import './style.css';
import { acquireGpu } from '../gpu/device';
import { App } from './app';

async function main(): Promise<void> {
  const root = document.body;
  const gpu = await acquireGpu(typeof navigator !== 'undefined' ? navigator.gpu : undefined).catch(() => null);
  const app = new App(root, gpu, location.hash);
  window.landscape = app.api();
}

void main();
