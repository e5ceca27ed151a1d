import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import { useEffect, useMemo, useRef } from 'react';
import { buildGraphModel, diffGraph, edgeId, instanceNodeId, type GraphEdge, type GraphLink, type GraphNode } from '../model/graph-model';
import type { Hop } from '../model/hops';
import type { DashboardInstance } from '../protocol';
import { graphStylesheet } from './graph-style';
import { usePrefersReducedMotion } from './hooks';

/** Props of GraphView. */
export interface GraphViewProps {
  readonly instances: readonly DashboardInstance[];
  readonly links: readonly GraphLink[];
  /** Subscribes to the hops of live spans; answers the unsubscribe. */
  readonly subscribeHops: (listener: (hops: readonly Hop[]) => void) => () => void;
  readonly selectedInstance: string | undefined;
  readonly onSelectInstance: (instanceId: string) => void;
}

/** How long an edge stays lit after a hop, ms. */
const flashMs = 600;

/** The cytoscape definition of a model element. */
function definitionOf(element: GraphNode | GraphEdge): ElementDefinition {
  if (element.group === 'edges') return { group: 'edges', data: { id: element.id, source: element.source, target: element.target }, classes: element.classes };
  return {
    group: 'nodes',
    data: { id: element.id, label: element.label, ...(element.parent ? { parent: element.parent } : {}) },
    classes: element.classes,
    ...(element.position ? { position: { ...element.position } } : {}),
  };
}

/** Brings the drawn graph to `model`; answers whether nodes came or went (then it is fitted again). */
function syncGraph(cy: Core, model: ReturnType<typeof buildGraphModel>): boolean {
  const drawn = new Map<string, { parent?: string | undefined }>();
  cy.elements().forEach((element) => {
    drawn.set(element.id(), element.isNode() ? { parent: element.parent().first().id() || undefined } : {});
  });
  const diff = diffGraph(drawn, model);
  cy.batch(() => {
    for (const id of diff.remove) cy.getElementById(id).remove();
    if (diff.add.length > 0) cy.add(diff.add.map(definitionOf));
    for (const element of diff.update) {
      const drawnElement = cy.getElementById(element.id);
      const keepSelected = drawnElement.hasClass('selected');
      drawnElement.classes(element.classes);
      if (keepSelected) drawnElement.addClass('selected');
      if (element.group === 'nodes') {
        drawnElement.data('label', element.label);
        if (element.position) drawnElement.position({ ...element.position });
      }
    }
  });
  return diff.remove.some((id) => !id.startsWith('edge:')) || diff.add.some((element) => element.group === 'nodes');
}

/** The topology as a graph: services as boxes of instances coloured by state, calls as edges lit on every hop. */
export function GraphView({ instances, links, subscribeHops, selectedInstance, onSelectInstance }: GraphViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | undefined>(undefined);
  const reducedMotion = usePrefersReducedMotion();
  const model = useMemo(() => buildGraphModel(instances, links), [instances, links]);
  const selectRef = useRef(onSelectInstance);
  selectRef.current = onSelectInstance;

  // One cytoscape per mount.
  useEffect(() => {
    if (!container.current) return;
    const cy = cytoscape({
      container: container.current,
      style: graphStylesheet(false),
      layout: { name: 'preset' },
      autoungrabify: true,
      boxSelectionEnabled: false,
      userZoomingEnabled: false,
      userPanningEnabled: true,
      minZoom: 0.3,
      maxZoom: 2,
    });
    cy.on('tap', 'node.instance', (event) => {
      const id = String(event.target.id());
      if (id.startsWith('inst:')) selectRef.current(id.slice('inst:'.length));
    });
    cyRef.current = cy;
    const observer = new ResizeObserver(() => {
      cy.resize();
      cy.fit(undefined, 24);
    });
    observer.observe(container.current);
    return () => {
      observer.disconnect();
      cy.destroy();
      cyRef.current = undefined;
    };
  }, []);

  useEffect(() => {
    cyRef.current?.style(graphStylesheet(!reducedMotion));
  }, [reducedMotion]);

  useEffect(() => {
    const cy = cyRef.current;
    if (cy && syncGraph(cy, model)) cy.fit(undefined, 24);
  }, [model]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.nodes('.selected').removeClass('selected');
    if (selectedInstance !== undefined) cy.getElementById(instanceNodeId(selectedInstance)).addClass('selected');
  }, [selectedInstance, model]);

  // Light the edge of each hop for flashMs (none with reduced motion).
  useEffect(() => {
    if (reducedMotion) return;
    const timers = new Map<string, ReturnType<typeof setTimeout>>();
    const flash = (id: string, retry: boolean) => {
      const edge = cyRef.current?.getElementById(id);
      if (!edge || edge.empty()) {
        // A new call path: its edge is drawn on the next frame.
        if (retry) setTimeout(() => flash(id, false), 50);
        return;
      }
      edge.addClass('flash');
      const previous = timers.get(id);
      if (previous !== undefined) clearTimeout(previous);
      timers.set(
        id,
        setTimeout(() => {
          timers.delete(id);
          cyRef.current?.getElementById(id).removeClass('flash');
        }, flashMs),
      );
    };
    const unsubscribe = subscribeHops((hops) => {
      for (const id of new Set(hops.map(edgeId))) flash(id, true);
    });
    return () => {
      unsubscribe();
      for (const timer of timers.values()) clearTimeout(timer);
    };
  }, [subscribeHops, reducedMotion]);

  return (
    <section className="panel graph-panel" aria-label="Topology graph">
      <h2 className="panel-title">topology</h2>
      <div className="graph" data-testid="graph" ref={container} role="img" aria-label={`Topology graph: ${instances.length} instances, ${links.length} call paths`} />
    </section>
  );
}
