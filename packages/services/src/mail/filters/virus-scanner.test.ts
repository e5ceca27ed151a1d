import { describe, expect, it } from 'vitest';
import { DANGEROUS_EXTENSIONS } from './dangerous-files.js';
import { eicarSignature } from '../../contract/mail-signatures.js';
import { createVirusScanner, type ScannedAttachment } from './virus-scanner.js';

const scanner = createVirusScanner();
const file = (filename: string, data: Buffer | string = 'hello', contentType = 'application/octet-stream'): ScannedAttachment => ({
  filename,
  contentType,
  data: typeof data === 'string' ? Buffer.from(data) : data,
});
const ids = (reasons: readonly string[]): string[] => reasons.map((reason) => reason.split(':')[0]!);
// Base64 wrapped at 76 columns, as MIME writes it.
const wrap = (text: string): string => text.match(/.{1,76}/g)!.join('\r\n');

describe('createVirusScanner', () => {
  it('passes a clean message with ordinary attachments', async () => {
    const result = await scanner.scan({
      body: `Report attached.\n\n${wrap(Buffer.from('a clean quarterly report '.repeat(20)).toString('base64'))}`,
      attachments: [file('report.pdf', '%PDF-1.7 ...', 'application/pdf'), file('photo.jpeg', 'jpeg', 'image/jpeg'), file('notes.txt')],
    });
    expect(result).toEqual({ infected: false, reasons: [] });
  });

  it('returns a promise (the seam for a clamd scanner)', () => {
    expect(scanner.scan({ body: '', attachments: [] })).toBeInstanceOf(Promise);
  });

  it('finds EICAR in an attachment', async () => {
    const result = await scanner.scan({ body: 'see attached', attachments: [file('eicar.com.txt', `${eicarSignature()}\r\n`, 'text/plain')] });
    expect(result.infected).toBe(true);
    expect(ids(result.reasons)).toEqual(['eicar']);
    expect(result.reasons[0]).toContain('eicar.com.txt');
  });

  it('finds EICAR in the body', async () => {
    const result = await scanner.scan({ body: `Test:\n${eicarSignature()}\n`, attachments: [] });
    expect(ids(result.reasons)).toEqual(['eicar']);
  });

  it.each([
    ['on one line after words', (b64: string) => `please find it here ${b64} thanks`],
    ['wrapped at 76 columns', (b64: string) => `Content-Transfer-Encoding: base64\r\n\r\n${wrap(b64)}\r\n`],
    ['after a misaligned prefix', (b64: string) => `abc ${wrap(b64)}`],
  ])('finds EICAR in a base64 block of the body, %s', async (_, embed) => {
    const b64 = Buffer.from(eicarSignature()).toString('base64');
    const result = await scanner.scan({ body: embed(b64), attachments: [] });
    expect(result.infected).toBe(true);
    expect(result.reasons).toEqual(['eicar: EICAR test signature in a base64 block of the body']);
  });

  it('finds EICAR in base64 inside an attachment', async () => {
    const data = wrap(Buffer.from(eicarSignature()).toString('base64'));
    const result = await scanner.scan({ body: '', attachments: [file('message.eml', data, 'message/rfc822')] });
    expect(ids(result.reasons)).toEqual(['eicar']);
  });

  it.each(DANGEROUS_EXTENSIONS.map((extension) => [extension]))('blocks a .%s attachment', async (extension) => {
    const result = await scanner.scan({ body: '', attachments: [file(`tool.${extension.toUpperCase()}`)] });
    expect(result.infected).toBe(true);
    expect(ids(result.reasons)).toEqual(['dangerous-extension']);
  });

  it.each([['invoice.pdf.exe'], ['photo.jpg.scr'], ['Scan 2024.docx  .js'], ['report.pdf.exe.']])('names the double extension of %s', async (filename) => {
    const result = await scanner.scan({ body: '', attachments: [file(filename)] });
    expect(ids(result.reasons)).toEqual(['double-extension']);
  });

  it('blocks executables by content type and by PE header whatever the name', async () => {
    const pe = Buffer.alloc(0x100);
    pe.write('MZ', 0, 'latin1');
    pe.writeUInt32LE(0x80, 0x3c);
    pe.write('PE\0\0', 0x80, 'latin1');
    const result = await scanner.scan({
      body: '',
      attachments: [file('update.bin', 'x', 'application/x-msdownload; name="update.bin"'), file('invoice.pdf', pe, 'application/pdf')],
    });
    expect(ids(result.reasons)).toEqual(['dangerous-content-type', 'executable-content']);
  });

  it('does not mistake near misses for threats', async () => {
    const notPe = Buffer.from(`MZ${'-'.repeat(100)}`);
    const result = await scanner.scan({
      body: `${eicarSignature().slice(0, 60)} is only part of the test string`,
      attachments: [file('archive.tar.gz', notPe, 'application/gzip'), file('exec-summary.pdf'), file('README')],
    });
    expect(result).toEqual({ infected: false, reasons: [] });
  });

  it('honours custom lists', async () => {
    const strict = createVirusScanner({ blockedExtensions: ['zip'], blockedContentTypes: [] });
    const result = await strict.scan({ body: '', attachments: [file('a.zip'), file('b.exe', 'x', 'application/x-msdownload')] });
    expect(ids(result.reasons)).toEqual(['dangerous-extension']);
  });

  it('keeps control characters and long names out of reasons', async () => {
    const result = await scanner.scan({ body: '', attachments: [file(`${'a'.repeat(200)}\u0007\n.exe`)] });
    expect(result.reasons[0]).not.toMatch(/[\u0000-\u001f]/);
    expect(result.reasons[0]!.length).toBeLessThan(160);
  });
});
