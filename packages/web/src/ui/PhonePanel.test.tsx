// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ControlApiError } from '../model/api';
import type { PhoneMessage } from '../protocol';
import { PhonePanel } from './PhonePanel';

afterEach(cleanup);

const text = (to: string, body: string, id = 1): PhoneMessage => ({ id, time: Date.UTC(2026, 0, 1, 12, 3, 4), type: 'otp', to, text: body });

describe('PhonePanel', () => {
  it('waits for the first SMS', () => {
    render(<PhonePanel latest={{ number: undefined, version: 0 }} readPhone={async () => []} />);
    expect(screen.getByText('Texts appear here when an SMS is sent.')).toBeTruthy();
  });

  it('shows the texts of the number the last SMS went to, again on every new SMS', async () => {
    const readPhone = vi.fn(async (number: string) => [text(number, 'Hi Ada, your topolab login code is 123456.')]);
    const { rerender } = render(<PhonePanel latest={{ number: '+447700900123', version: 1 }} readPhone={readPhone} />);
    expect(await screen.findByText('Hi Ada, your topolab login code is 123456.')).toBeTruthy();
    expect(screen.getByText('+447700900123')).toBeTruthy();
    expect(screen.getByTestId('phone-message').textContent).toContain('otp');
    rerender(<PhonePanel latest={{ number: '+447700900123', version: 2 }} readPhone={readPhone} />);
    await vi.waitFor(() => expect(readPhone).toHaveBeenCalledTimes(2));
  });

  it('looks a number up from the form, and says when it has no text', async () => {
    const readPhone = vi.fn(async () => []);
    render(<PhonePanel latest={{ number: undefined, version: 0 }} readPhone={readPhone} />);
    fireEvent.change(screen.getByLabelText('Phone number'), { target: { value: ' +447700900999 ' } });
    fireEvent.click(screen.getByRole('button', { name: 'look up' }));
    expect(await screen.findByText('No text for this number.')).toBeTruthy();
    expect(readPhone).toHaveBeenCalledWith('+447700900999');
  });

  it('shows the code and message of a refused lookup', async () => {
    const readPhone = vi.fn(async () => {
      throw new ControlApiError('CONTROL_NOT_FOUND', 'No such phone.', 404, undefined);
    });
    render(<PhonePanel latest={{ number: '+447700900123', version: 1 }} readPhone={readPhone} />);
    expect(await screen.findByText('CONTROL_NOT_FOUND No such phone.')).toBeTruthy();
  });
});
