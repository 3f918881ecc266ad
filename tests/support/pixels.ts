import type { Page } from "playwright-core";

/**
 * Share of a PNG's pixels that differ from a background colour, decoded in the page itself (so no image
 * library is needed in Node). A blank map canvas is ~all background.
 */
export async function nonBackgroundShare(
  page: Page,
  png: Buffer,
  background: [number, number, number],
): Promise<number> {
  return page.evaluate(
    async ({ b64, background }) => {
      const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext("2d")!;
      ctx.drawImage(bitmap, 0, 0);
      const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      let other = 0;
      for (let i = 0; i < data.length; i += 4) {
        const d =
          Math.abs(data[i] - background[0]) +
          Math.abs(data[i + 1] - background[1]) +
          Math.abs(data[i + 2] - background[2]);
        if (d > 24) other++;
      }
      return other / (data.length / 4);
    },
    { b64: png.toString("base64"), background },
  );
}
