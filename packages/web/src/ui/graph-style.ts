/** The look of the topology graph: cytoscape's stylesheet, colours as in styles.css. */
import type { StylesheetJson } from 'cytoscape';

/** Instance colours by tone (green ready, amber starting/stopping, purple paused, grey zombie, red down). */
export const toneColours = {
  ready: '#3fb950',
  transition: '#d29922',
  paused: '#a371f7',
  zombie: '#8b949e',
  down: '#f85149',
  unknown: '#6e7681',
} as const;

/** The graph's stylesheet; `animate` adds a short colour transition to flashing edges. */
export function graphStylesheet(animate: boolean): StylesheetJson {
  return [
    {
      selector: 'node',
      style: { label: 'data(label)', color: '#c9d1d9', 'font-size': 12, 'font-family': 'system-ui, sans-serif', 'min-zoomed-font-size': 6 },
    },
    {
      selector: 'node.service',
      style: {
        shape: 'round-rectangle',
        'background-color': '#1c2230',
        'background-opacity': 1,
        'border-color': '#30394a',
        'border-width': 1,
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': -4,
        'font-size': 13,
        'font-weight': 'bold',
        color: '#8b98ad',
        padding: '12px',
      },
    },
    { selector: 'node.service.infrastructure', style: { 'border-style': 'dashed' } },
    {
      selector: 'node.instance',
      style: { width: 26, height: 26, 'text-valign': 'bottom', 'text-halign': 'center', 'text-margin-y': 3, 'font-size': 12, 'border-width': 2, 'border-color': '#0d1117', 'background-color': toneColours.unknown },
    },
    ...Object.entries(toneColours).map(([tone, colour]) => ({ selector: `node.instance.${tone}`, style: { 'background-color': colour } })),
    { selector: 'node.instance.down', style: { 'background-opacity': 0.55, 'border-style': 'dotted', 'border-color': toneColours.down } },
    { selector: 'node.instance.selected', style: { 'border-color': '#58a6ff', 'border-width': 3 } },
    {
      selector: 'node.client',
      style: { shape: 'round-rectangle', width: 60, height: 28, 'background-color': '#30394a', 'text-valign': 'center', 'text-halign': 'center', 'font-size': 12 },
    },
    {
      selector: 'edge',
      style: {
        'curve-style': 'bezier',
        width: 1.5,
        'line-color': '#3d4657',
        'target-arrow-color': '#3d4657',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        opacity: 0.85,
      },
    },
    {
      selector: 'edge.flash',
      style: {
        width: 3.5,
        'line-color': '#58a6ff',
        'target-arrow-color': '#58a6ff',
        opacity: 1,
        'z-index': 10,
        ...(animate ? { 'transition-property': 'line-color, target-arrow-color, width', 'transition-duration': 120 } : {}),
      },
    },
  ];
}
