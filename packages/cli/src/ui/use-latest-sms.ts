import { useEffect, useState } from 'react';
import { readPhone, type Topology } from '@topolab/runtime';
import type { PhoneMessage } from '@topolab/runtime/control';

/** The newest SMS messages of any number, re-read whenever the SMS service reports a send. */
export function useLatestSms(topology: Pick<Topology, 'events' | 'instances' | 'serviceToken'>, size = 5): PhoneMessage[] {
  const [messages, setMessages] = useState<PhoneMessage[]>([]);
  useEffect(() => {
    let alive = true;
    const refresh = () =>
      void readPhone(topology, { limit: size })
        .then((latest) => alive && setMessages(latest))
        .catch(() => undefined);
    refresh();
    const unsubscribe = topology.events.subscribe((event) => {
      if (event.type === 'event' && event.name === 'sms.sent') refresh();
    });
    return () => {
      alive = false;
      unsubscribe();
    };
  }, [topology, size]);
  return messages;
}
