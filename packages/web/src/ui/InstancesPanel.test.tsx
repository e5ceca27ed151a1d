// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { instance } from '../model/fixtures';
import type { RunAction } from './hooks';
import { InstancesPanel, type InstancesPanelProps } from './InstancesPanel';

afterEach(cleanup);

const run: RunAction = async (_label, action) => {
  await action();
  return true;
};

function renderPanel(props: Partial<InstancesPanelProps> = {}) {
  const onAction = vi.fn(async () => undefined);
  const onScale = vi.fn(async () => undefined);
  render(
    <InstancesPanel
      instances={[instance('profile#1'), instance('profile#2', { state: 'paused', pid: 202, requests: 7, errors: 2 }), instance('gateway#1', { port: 8443 })]}
      services={[{ service: 'mail', kind: 'domain' }]}
      clockOffsetMs={0}
      onAction={onAction}
      onScale={onScale}
      run={run}
      selectedInstance="profile#1"
      {...props}
    />,
  );
  return { onAction, onScale };
}

describe('InstancesPanel', () => {
  it('shows each service with its instances, their state, address, pid and counts', () => {
    renderPanel();
    const profile = screen.getByRole('region', { name: 'Service profile' });
    expect(within(profile).getByText('profile#1')).toBeTruthy();
    const paused = screen.getByTestId('instance-profile#2');
    expect(paused.dataset.state).toBe('paused');
    expect(within(paused).getByText('paused')).toBeTruthy();
    expect(within(paused).getByText('pid 202')).toBeTruthy();
    expect(paused.textContent).toContain('7 req');
    expect(paused.textContent).toContain('2 err');
    expect(within(screen.getByTestId('instance-gateway#1')).getByText('127.0.0.1:8443')).toBeTruthy();
    expect(screen.getByTestId('instance-profile#1').getAttribute('aria-current')).toBe('true');
  });

  it('keeps a known service scaled to 0 as an empty section', () => {
    renderPanel();
    const mail = screen.getByRole('region', { name: 'Service mail' });
    expect(within(mail).getByText('No instance: scaled to 0.')).toBeTruthy();
    expect(screen.getByTestId('scale-mail-count').textContent).toBe('0');
    expect((screen.getByTestId('scale-mail-down') as HTMLButtonElement).disabled).toBe(true);
  });

  it('offers resume for a paused instance and sends the fault clicked', async () => {
    const { onAction } = renderPanel();
    expect(screen.queryByRole('button', { name: 'pause profile#2' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'resume profile#2' }));
    fireEvent.click(screen.getByRole('button', { name: 'kill profile#1' }));
    await vi.waitFor(() => expect(onAction).toHaveBeenCalledTimes(2));
    expect(onAction).toHaveBeenNthCalledWith(1, 'profile#2', 'resume');
    expect(onAction).toHaveBeenNthCalledWith(2, 'profile#1', 'kill');
  });

  it('scales a service by one instance with its − and + buttons, one change at a time', async () => {
    let finish = () => {};
    const onScale = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    renderPanel({ onScale });
    expect(screen.getByTestId('scale-profile-count').textContent).toBe('2');
    const down = screen.getByRole('button', { name: 'Scale profile down to 1' }) as HTMLButtonElement;
    fireEvent.click(screen.getByRole('button', { name: 'Scale profile up to 3' }));
    expect(onScale).toHaveBeenCalledWith('profile', 3);
    await vi.waitFor(() => expect(down.disabled).toBe(true));
    finish();
    await vi.waitFor(() => expect(down.disabled).toBe(false));
    fireEvent.click(down);
    expect(onScale).toHaveBeenLastCalledWith('profile', 1);
  });

  it('says so when no instance has reported yet', () => {
    renderPanel({ instances: [], services: [] });
    expect(screen.getByText('No instance yet.')).toBeTruthy();
  });
});
