import { DANGEROUS_CONTENT_TYPES, DANGEROUS_EXTENSIONS, inspectFilename, isDangerousContentType } from './dangerous-files.js';
import { someBase64Decoding } from './base64-runs.js';
import { eicarSignature } from '../../contract/mail-signatures.js';

/** An attachment with its bytes, as the scanner sees it. */
export interface ScannedAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
}

/** What is scanned: a message's body and attachments. */
export interface ScanInput {
  readonly body: string;
  readonly attachments: readonly ScannedAttachment[];
}

/** The scanner's verdict. */
export interface VirusScanResult {
  /** The message must not be delivered as is. */
  readonly infected: boolean;
  /**
   * Why, one line each: `"<id>: <detail>"` with id one of `eicar`, `dangerous-extension`,
   * `double-extension`, `dangerous-content-type`, `executable-content`.
   */
  readonly reasons: string[];
}

/**
 * The seam of virus scanning: this built-in scanner, or later one that asks clamd. Async so that
 * a scanner over a socket fits.
 */
export interface VirusScanner {
  scan(input: ScanInput): Promise<VirusScanResult>;
}

/** Options of createVirusScanner. */
export interface VirusScannerOptions {
  /** Blocked file name extensions, lowercase without the dot. @default DANGEROUS_EXTENSIONS */
  readonly blockedExtensions?: readonly string[];
  /** Blocked content types, lowercase. @default DANGEROUS_CONTENT_TYPES */
  readonly blockedContentTypes?: readonly string[];
  /** Characters of base64 decoded per body or attachment at most. @default 8_388_608 */
  readonly maxDecodeChars?: number;
}

/**
 * Creates the built-in scanner: the EICAR test signature in any attachment's bytes, in the body,
 * or in a base64 block inside either; executables and scripts by extension (double extensions
 * such as `invoice.pdf.exe` named as such), by content type, and by a Windows PE header.
 */
export function createVirusScanner(options: VirusScannerOptions = {}): VirusScanner {
  const extensions = new Set(options.blockedExtensions ?? DANGEROUS_EXTENSIONS);
  const contentTypes = new Set(options.blockedContentTypes ?? DANGEROUS_CONTENT_TYPES);
  const maxDecodeChars = options.maxDecodeChars ?? 8 * 1024 * 1024;
  const eicar = Buffer.from(eicarSignature(), 'latin1');
  const hasEicar = (bytes: Buffer): boolean => bytes.includes(eicar);
  const hasEicarInBase64 = (text: string): boolean => someBase64Decoding(text, hasEicar, maxDecodeChars);

  return {
    async scan({ body, attachments }) {
      const reasons: string[] = [];
      if (body.includes(eicar.toString('latin1'))) reasons.push('eicar: EICAR test signature in the body');
      else if (hasEicarInBase64(body)) reasons.push('eicar: EICAR test signature in a base64 block of the body');
      for (const attachment of attachments) {
        const name = describeName(attachment.filename);
        if (hasEicar(attachment.data)) reasons.push(`eicar: EICAR test signature in attachment ${name}`);
        else if (hasEicarInBase64(attachment.data.toString('latin1'))) reasons.push(`eicar: EICAR test signature in a base64 block of attachment ${name}`);
        const verdict = inspectFilename(attachment.filename, extensions);
        if (verdict.doubleExtension) reasons.push(`double-extension: attachment ${name} hides .${verdict.extension} behind another extension`);
        else if (verdict.dangerous) reasons.push(`dangerous-extension: attachment ${name} is a .${verdict.extension} file`);
        if (isDangerousContentType(attachment.contentType, contentTypes)) {
          reasons.push(`dangerous-content-type: attachment ${name} is ${describeName(attachment.contentType.split(';')[0]!.trim())}`);
        }
        if (isWindowsExecutable(attachment.data)) reasons.push(`executable-content: attachment ${name} is a Windows executable`);
      }
      return { infected: reasons.length > 0, reasons };
    },
  };
}

// Senders choose file names: quote them, without control characters, and cut long ones.
function describeName(name: string): string {
  const clean = name.replace(/\p{Cc}/gu, '');
  return JSON.stringify(clean.length > 80 ? `${clean.slice(0, 77)}...` : clean);
}

// "MZ" at 0, and at the offset stored at 0x3C the "PE\0\0" signature of a Portable Executable.
function isWindowsExecutable(data: Buffer): boolean {
  if (data.length < 0x40 || data[0] !== 0x4d || data[1] !== 0x5a) return false;
  const peOffset = data.readUInt32LE(0x3c);
  return peOffset + 4 <= data.length && data.readUInt32BE(peOffset) === 0x50450000;
}
