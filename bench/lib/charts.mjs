import { writeFile } from 'node:fs/promises';
import * as vega from 'vega';
import * as vl from 'vega-lite';

/** Renders a vega-lite spec to an SVG file (headless: no canvas, text sizes are estimated). */
export async function writeChart(file, spec) {
  const full = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    config: { font: 'Helvetica, Arial, sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11 } },
    ...spec,
  };
  const view = new vega.View(vega.parse(vl.compile(full).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  await writeFile(file, svg);
  return file;
}
