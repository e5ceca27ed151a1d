import { useState } from 'react';
import { formatHeartbeatAge, formatLease, formatRss } from '../model/format';
import { faultButtons, groupByService, instanceTone, registeredAttribute, stateLabel, type KnownService, type ServiceGroup } from '../model/instances';
import type { DashboardInstance, InstanceAction } from '../protocol';
import type { RunAction } from './hooks';
import { useNow } from './hooks';

/** Props of InstancesPanel. */
export interface InstancesPanelProps {
  readonly instances: readonly DashboardInstance[];
  /** Services seen on this stream (one scaled to 0 keeps its section). */
  readonly services: readonly KnownService[];
  /** Server clock minus the page's, ms. */
  readonly clockOffsetMs: number;
  readonly onAction: (instanceId: string, action: InstanceAction) => Promise<unknown>;
  readonly onScale: (service: string, replicas: number) => Promise<unknown>;
  readonly run: RunAction;
  readonly selectedInstance: string | undefined;
}

/** Every instance, a section per service, with its live numbers and its fault buttons. */
export function InstancesPanel({ instances, services, clockOffsetMs, onAction, onScale, run, selectedInstance }: InstancesPanelProps) {
  // The lease and heartbeat count down between the stream's messages.
  const serverNow = useNow(200) + clockOffsetMs;
  const groups = groupByService(instances, services);
  return (
    <section className="panel instances-panel" aria-label="Instances">
      <h2 className="panel-title">instances</h2>
      {groups.length === 0 && <p className="empty">No instance yet.</p>}
      <div className="instances-scroll">
        {groups.map((group) => (
          <ServiceSection key={group.service} group={group} serverNow={serverNow} onAction={onAction} onScale={onScale} run={run} selectedInstance={selectedInstance} />
        ))}
      </div>
    </section>
  );
}

interface ServiceSectionProps {
  readonly group: ServiceGroup;
  readonly serverNow: number;
  readonly onAction: InstancesPanelProps['onAction'];
  readonly onScale: InstancesPanelProps['onScale'];
  readonly run: RunAction;
  readonly selectedInstance: string | undefined;
}

/** One service: its name, kind and scale control, then a row per instance. */
function ServiceSection({ group, serverNow, onAction, onScale, run, selectedInstance }: ServiceSectionProps) {
  return (
    <section className="service" data-testid={`service-${group.service}`} aria-label={`Service ${group.service}`}>
      <header className="service-header">
        <h3 className="service-name">{group.service}</h3>
        <span className="service-kind">{group.kind}</span>
        <ScaleControl service={group.service} replicas={group.replicas} onScale={onScale} run={run} />
      </header>
      {group.instances.length === 0 && <p className="empty">No instance: scaled to 0.</p>}
      <ul className="instance-list">
        {group.instances.map((instance) => (
          <InstanceRow key={instance.id} instance={instance} serverNow={serverNow} onAction={onAction} run={run} selected={instance.id === selectedInstance} />
        ))}
      </ul>
    </section>
  );
}

interface ScaleControlProps {
  readonly service: string;
  readonly replicas: number;
  readonly onScale: InstancesPanelProps['onScale'];
  readonly run: RunAction;
}

/** − / count / +: scales the service by one instance. */
function ScaleControl({ service, replicas, onScale, run }: ScaleControlProps) {
  const [busy, setBusy] = useState(false);
  const scaleTo = async (target: number) => {
    setBusy(true);
    await run(`scale ${service} to ${target}`, () => onScale(service, target));
    setBusy(false);
  };
  return (
    <div className="scale" role="group" aria-label={`Scale ${service}`}>
      <button type="button" data-testid={`scale-${service}-down`} aria-label={`Scale ${service} down to ${replicas - 1}`} disabled={busy || replicas <= 0} onClick={() => void scaleTo(replicas - 1)}>
        −
      </button>
      <span className="scale-count" data-testid={`scale-${service}-count`} aria-label={`${replicas} replicas`}>
        {replicas}
      </span>
      <button type="button" data-testid={`scale-${service}-up`} aria-label={`Scale ${service} up to ${replicas + 1}`} disabled={busy} onClick={() => void scaleTo(replicas + 1)}>
        +
      </button>
    </div>
  );
}

interface InstanceRowProps {
  readonly instance: DashboardInstance;
  readonly serverNow: number;
  readonly onAction: InstancesPanelProps['onAction'];
  readonly run: RunAction;
  readonly selected: boolean;
}

/** One instance: id, address, pid, state, heartbeat, lease, RSS, counts and fault buttons. */
function InstanceRow({ instance, serverNow, onAction, run, selected }: InstanceRowProps) {
  const [busy, setBusy] = useState<InstanceAction | undefined>(undefined);
  const tone = instanceTone(instance);
  const send = async (action: InstanceAction) => {
    setBusy(action);
    await run(`${action} ${instance.id}`, () => onAction(instance.id, action));
    setBusy(undefined);
  };
  const leaseLeft = instance.leaseExpiresAt === undefined ? undefined : instance.leaseExpiresAt - serverNow;
  return (
    <li
      className={`instance tone-${tone}${selected ? ' selected' : ''}`}
      data-testid={`instance-${instance.id}`}
      data-state={instance.state}
      data-registered={registeredAttribute(instance)}
      aria-current={selected ? 'true' : undefined}
    >
      <div className="instance-line">
        <span className={`dot tone-${tone}`} aria-hidden="true" />
        <span className="instance-id">{instance.id}</span>
        <span className={`state tone-${tone}`}>{stateLabel(instance)}</span>
        <span className="muted">
          {instance.host}:{instance.port}
        </span>
        <span className="muted">pid {instance.pid ?? '—'}</span>
      </div>
      <div className="instance-line instance-numbers">
        {instance.registers ? (
          <>
            <span className="heartbeat">{formatHeartbeatAge(instance.lastHeartbeat, serverNow)}</span>
            <span className={`lease${leaseLeft !== undefined && leaseLeft <= 0 ? (instance.registered === false ? ' lease-expired' : ' lease-due') : ''}`}>{formatLease(instance.leaseExpiresAt, serverNow, instance.registered)}</span>
            <span className="muted">{instance.registered === undefined ? '' : instance.registered ? 'in catalog' : 'not in catalog'}</span>
          </>
        ) : (
          <span className="muted">no lease (does not register)</span>
        )}
        <span className="rss">{formatRss(instance.rssMb)}</span>
        <span className="counts">
          {instance.requests} req · <span className={instance.errors > 0 ? 'errors' : undefined}>{instance.errors} err</span>
        </span>
      </div>
      <div className="instance-actions">
        {faultButtons(instance).map((button) => (
          <button
            key={button.action}
            type="button"
            className={`fault fault-${button.action}`}
            data-testid={`fault-${button.action}-${instance.id}`}
            aria-label={`${button.label} ${instance.id}`}
            disabled={button.disabled || busy !== undefined}
            onClick={() => void send(button.action)}
          >
            {busy === button.action ? `${button.label}…` : button.label}
          </button>
        ))}
      </div>
    </li>
  );
}
