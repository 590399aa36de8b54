/**
 * PNG from the feeder SVG through the optional npm package `@resvg/resvg-js` (the Rust SVG renderer
 * resvg, prebuilt for each platform): the only module that knows it. It is an optional dependency:
 * when it is not installed, `svgToPng` throws a UsageError saying how to add it (SVG needs nothing).
 */
import { UsageError } from '../io/errors';

/** The resvg-js version this code was written and tested against. */
export const RESVG_VERSION = '2.6.2';

interface ResvgImage { width: number; height: number; pixels: Uint8Array; asPng(): Uint8Array }
type ResvgCtor = new (svg: string, opts: object) => { render(): ResvgImage };

/** The renderer, or a UsageError on `option` saying how to install it (call it before any work). */
export function loadResvg(option = '--plot'): ResvgCtor {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return (require('@resvg/resvg-js') as { Resvg: ResvgCtor }).Resvg;
  } catch {
    throw new UsageError(`PNG output needs the npm package @resvg/resvg-js, which is not installed: npm install ` +
      `@resvg/resvg-js@${RESVG_VERSION} (or write .svg)`, option);
  }
}

export interface PngImage {
  widthPx: number;
  heightPx: number;
  /** RGBA, row by row */
  rgba: Uint8Array;
  png: Uint8Array;
}

/**
 * Render an SVG at `scale` times its size (2 = print resolution for a screen-sized drawing) with the
 * system's fonts; the SVG's Helvetica/Arial fall back to a metric-compatible sans-serif.
 */
export function svgToPng(svg: string, scale = 2, option = '--plot'): PngImage {
  const Resvg = loadResvg(option);
  const img = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'Liberation Sans', sansSerifFamily: 'Liberation Sans' },
    background: '#ffffff',
  }).render();
  return { widthPx: img.width, heightPx: img.height, rgba: img.pixels, png: img.asPng() };
}
