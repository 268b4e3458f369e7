// Bundles the widget's browser script (sidecar/widget/app.ts + the Calling Extensions SDK) with
// esbuild once, at start, into memory. No CDN: the SDK ships inside our own script.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const widgetDir = path.resolve(import.meta.dirname, '../../widget');

export interface WidgetAssets {
  html: string;
  script: string;
}

export async function buildWidgetAssets(): Promise<WidgetAssets> {
  const result = await build({
    entryPoints: [path.join(widgetDir, 'app.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]?.text;
  if (script === undefined) throw new Error('widget bundle produced no output');
  const html = await readFile(path.join(widgetDir, 'index.html'), 'utf8');
  return { html, script };
}
