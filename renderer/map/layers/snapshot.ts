// While the view moves, keep showing the last finished WebGL frame, moved by a CSS transform, instead of re-rendering
// WebGL every frame. Software WebGL (office PCs, virtual GPUs, this build machine) pays hundreds of milliseconds per
// WebGL frame whatever the feature count; a transform of the already-presented canvas is nearly free.
// No pixels are copied (a WebGL read-back costs as much as a frame): the stand-in layer displays the WebGL layer's
// own canvas element while that layer is hidden, and hands it back at moveend, when WebGL renders again.
import Layer from 'ol/layer/Layer';
import type { FrameState } from 'ol/Map';
import type { Extent } from 'ol/extent';
import type RenderEvent from 'ol/render/Event';
import type BaseLayer from 'ol/layer/Base';

/** A stand-in layer showing another layer's last stable frame while the view moves. */
export class InteractionSnapshot {
  readonly layer: Layer;
  private canvas: HTMLCanvasElement | null = null;
  private state: { extent: Extent; resolution: number; rotation: number } | null = null;
  private readonly empty = document.createElement('div');

  constructor(zIndex: number) {
    this.layer = new Layer({ zIndex, visible: false, render: (fs) => this.render(fs) });
  }

  /** Remembers the live layer's canvas and the view it was drawn for (call from its postrender). */
  capture(e: RenderEvent): void {
    const fs = e.frameState;
    if (!fs || fs.viewHints[0] || fs.viewHints[1]) return; // drawn while ANIMATING or INTERACTING: not a still frame
    const canvas = (e.context as WebGLRenderingContext | undefined)?.canvas as HTMLCanvasElement | undefined;
    if (!canvas) return;
    this.canvas = canvas;
    this.state = { extent: fs.extent!.slice(), resolution: fs.viewState.resolution, rotation: fs.viewState.rotation };
  }

  /** Swaps the live layer for the stand-in when a move starts, and back when it ends. */
  stand(live: BaseLayer, moving: boolean): void {
    const use = moving && this.state !== null;
    if (!use && this.canvas) {
      this.canvas.style.transform = '';
      this.canvas.style.transformOrigin = '';
    }
    this.layer.setVisible(use);
    live.setVisible(!use);
  }

  private render(fs: FrameState): HTMLElement {
    const s = this.state,
      c = this.canvas;
    if (!s || !c || s.rotation !== fs.viewState.rotation) return this.empty;
    // Put the frame's top-left map coordinate where it is now, scaled by the change of resolution.
    const m = fs.coordinateToPixelTransform;
    const x = m[0] * s.extent[0] + m[2] * s.extent[3] + m[4];
    const y = m[1] * s.extent[0] + m[3] * s.extent[3] + m[5];
    const scale = s.resolution / fs.viewState.resolution;
    c.style.transformOrigin = 'top left';
    c.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
    return c;
  }
}
