/**
 * An SVG chart → PNG bytes, with resvg (@resvg/resvg-js: a maintained Rust SVG renderer, prebuilt
 * for each platform, no browser and no native build). Text needs a font: the image installs
 * fonts-dejavu-core (Dockerfile) and resvg reads the system's fonts; on a machine without any,
 * the picture is drawn without its text rather than failing.
 */
import { CHART_FONT } from './trend-svg.js';

export interface RenderedPng {
  png: Buffer;
  width: number;
  height: number;
}

export interface PngOptions {
  /** Output width in pixels; the height keeps the SVG's proportions. Default: the SVG's own. */
  width?: number;
  /**
   * Read the system's fonts (default true). False draws no text at all: what a machine without
   * fonts gets, and what the tests use to show that it still renders.
   */
  systemFonts?: boolean;
}

/** Renders off the event loop (resvg's own thread), so a chart never stalls other requests. */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<RenderedPng> {
  const systemFonts = options.systemFonts ?? true;
  // Loaded on first use: the native renderer costs nothing to a process that draws no chart (the
  // CLI's other commands), and a platform without its binary fails here, not at start-up.
  const { renderAsync } = await import('@resvg/resvg-js');
  const image = await renderAsync(svg, {
    ...(options.width === undefined ? {} : { fitTo: { mode: 'width', value: options.width } }),
    font: {
      loadSystemFonts: systemFonts,
      defaultFontFamily: CHART_FONT,
      sansSerifFamily: CHART_FONT,
    },
    // White behind everything: a transparent PNG is unreadable on a dark chat theme.
    background: '#ffffff',
    logLevel: 'off',
  });
  return { png: image.asPng(), width: image.width, height: image.height };
}
