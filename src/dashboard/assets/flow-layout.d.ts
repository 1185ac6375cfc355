// Types for flow-layout.js (a browser asset, plain JS) so the unit tests type-check.

export interface LayoutStep {
  id: string;
  waits?: readonly string[] | null;
}

export interface LayoutOptions {
  nodeW?: number;
  nodeH?: number;
  gapX?: number;
  gapY?: number;
  margin?: number;
  maxPerLayer?: number;
  rank?: (id: string) => number;
}

export interface LayoutBox {
  id: string;
  layer: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface MoreBox extends LayoutBox {
  hidden: string[];
}

export interface LayoutEdge {
  from: string;
  to: string;
  d: string;
}

export interface FlowLayout {
  width: number;
  height: number;
  nodes: LayoutBox[];
  more: MoreBox[];
  edges: LayoutEdge[];
}

export const LAYOUT: Readonly<Required<Omit<LayoutOptions, 'rank'>>>;
export function layersOf(steps: readonly LayoutStep[]): Map<string, number>;
export function layoutFlow(steps: readonly LayoutStep[], options?: LayoutOptions): FlowLayout;
