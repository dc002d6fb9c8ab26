// The declarative shell around MapController: creates it once on mount, disposes it on unmount.
import { useEffect, useRef } from 'react';
import type { BBox, ComponentClass } from '../../shared/model.ts';
import { MapController, type MapCallbacks } from './controller.ts';

/** Props of the map view. */
export interface MapViewProps extends MapCallbacks {
  bounds: BBox;
  classes: ComponentClass[];
  webgl: boolean;
  onReady(ctl: MapController): void;
}

/** The map area; the controller is handed to the parent through onReady. */
export function MapView(props: MapViewProps) {
  const el = useRef<HTMLDivElement>(null);
  const cbRef = useRef(props);
  cbRef.current = props;
  useEffect(() => {
    const ctl = new MapController(
      el.current!,
      {
        onSelect: (s) => cbRef.current.onSelect(s),
        onCursor: (c) => cbRef.current.onCursor(c),
        onStatus: (s) => cbRef.current.onStatus(s),
        onCase: (id) => cbRef.current.onCase?.(id),
        // Editing callbacks go through the ref too, so the latest handlers always answer.
        edit: props.edit && {
          onPoint: (p) => cbRef.current.edit!.onPoint(p),
          onShape: (g) => cbRef.current.edit!.onShape(g),
          onModified: (k, p, g) => cbRef.current.edit!.onModified(k, p, g),
          onTranslated: (k, x, y) => cbRef.current.edit!.onTranslated(k, x, y),
          onBox: (b) => cbRef.current.edit!.onBox(b),
          onSplitLine: (l) => cbRef.current.edit!.onSplitLine(l),
          onPickCell: (p) => cbRef.current.edit!.onPickCell(p),
          onSelection: (k) => cbRef.current.edit!.onSelection(k),
          onSnapIndex: (i) => cbRef.current.edit!.onSnapIndex(i),
        },
      },
      { webgl: props.webgl, bounds: props.bounds },
    );
    (window as unknown as { __cityopsMap?: unknown }).__cityopsMap = ctl.map; // for e2e tests and benchmarks
    void ctl.load(props.classes);
    cbRef.current.onReady(ctl);
    return () => ctl.dispose();
    // The controller lives as long as the component; later prop changes go through its methods.
  }, []);
  return <div ref={el} className="map" data-testid="map" />;
}
