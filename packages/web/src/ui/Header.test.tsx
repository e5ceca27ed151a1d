// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Header, type HeaderProps } from './Header';
import type { RunAction } from './hooks';

afterEach(cleanup);

const choices = { discovery: ['client', 'server'], auth: ['remote', 'local', 'global', 'sidecar'] };

function renderHeader(props: Partial<HeaderProps> = {}) {
  const onSetMode = vi.fn(async () => undefined);
  const run = vi.fn<RunAction>(async (_label, action) => {
    await action();
    return true;
  });
  const view = render(<Header gatewayUrl="https://www.topolab.test:8443" connection="live" modes={{ discovery: 'client', auth: 'remote' }} choices={choices} onSetMode={onSetMode} run={run} {...props} />);
  return { onSetMode, run, view };
}

describe('Header', () => {
  it('shows the gateway, the stream and the modes in force', () => {
    renderHeader();
    expect(screen.getByText('https://www.topolab.test:8443')).toBeTruthy();
    expect(screen.getByTestId('connection').textContent).toBe('live');
    expect(screen.getByTestId('modes-in-force').textContent).toBe('discovery client · auth remote');
    expect((screen.getByTestId('mode-auth') as HTMLSelectElement).value).toBe('remote');
  });

  it('shows a stream that reconnects and modes not known yet, with the selects disabled', () => {
    renderHeader({ connection: 'reconnecting', modes: undefined, gatewayUrl: undefined });
    expect(screen.getByTestId('connection').textContent).toBe('reconnecting…');
    expect(screen.getByTestId('modes-in-force').textContent).toBe('modes unknown');
    expect((screen.getByTestId('mode-discovery') as HTMLSelectElement).disabled).toBe(true);
    expect(screen.getByText('—', { selector: '.header-gateway' })).toBeTruthy();
  });

  it('switches a mode through the control API and shows the choice until the stream confirms it', async () => {
    const { onSetMode, run, view } = renderHeader();
    const auth = screen.getByTestId('mode-auth') as HTMLSelectElement;
    fireEvent.change(auth, { target: { value: 'local' } });
    await vi.waitFor(() => expect(onSetMode).toHaveBeenCalledWith('auth', 'local'));
    expect(run).toHaveBeenCalledWith('auth → local', expect.any(Function));
    expect(auth.value).toBe('local');
    view.rerender(<Header gatewayUrl="https://www.topolab.test:8443" connection="live" modes={{ discovery: 'client', auth: 'local' }} choices={choices} onSetMode={onSetMode} run={run} />);
    expect(screen.getByTestId('modes-in-force').textContent).toBe('discovery client · auth local');
    expect(auth.value).toBe('local');
  });

  it('goes back to the mode in force when the switch is refused', async () => {
    const { onSetMode } = renderHeader({ run: async () => false });
    const discovery = screen.getByTestId('mode-discovery') as HTMLSelectElement;
    fireEvent.change(discovery, { target: { value: 'server' } });
    await vi.waitFor(() => expect(discovery.value).toBe('client'));
    expect(onSetMode).not.toHaveBeenCalled();
  });
});
