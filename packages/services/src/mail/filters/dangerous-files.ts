/**
 * File name extensions that run code when opened on a common desktop (Windows executables and
 * scripts, Java archives, installers, shortcuts). Lowercase, without the dot.
 */
export const DANGEROUS_EXTENSIONS: readonly string[] = Object.freeze([
  'exe', 'scr', 'js', 'jse', 'bat', 'cmd', 'com', 'pif', 'vbs', 'vbe', 'wsf', 'hta', 'jar', 'msi',
  'ps1', 'lnk', 'cpl', 'reg', 'dll',
]);

/** Content types that announce an executable or a script (lowercase, without parameters). */
export const DANGEROUS_CONTENT_TYPES: readonly string[] = Object.freeze([
  'application/x-msdownload', 'application/x-msdos-program', 'application/x-dosexec',
  'application/x-executable', 'application/vnd.microsoft.portable-executable', 'application/x-msi',
  'application/x-ms-installer', 'application/x-ms-shortcut', 'application/x-bat', 'application/bat',
  'application/x-javascript', 'application/javascript', 'text/javascript', 'application/java-archive',
  'application/x-java-archive', 'application/hta', 'application/x-vbscript', 'text/vbscript',
  'application/x-powershell',
]);

// Extensions that people trust, used to disguise an executable as `invoice.pdf.exe`.
const DECOY_EXTENSIONS: ReadonlySet<string> = new Set([
  'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'txt', 'rtf', 'csv', 'jpg', 'jpeg', 'png',
  'gif', 'zip', 'rar', 'htm', 'html', 'mp3', 'mp4', 'odt',
]);

/** What a file name says about an attachment. */
export interface AttachmentNameVerdict {
  /** The last extension, lowercase without the dot ('' when none). */
  readonly extension: string;
  /** The last extension runs code when opened. */
  readonly dangerous: boolean;
  /** A harmless-looking extension hides a dangerous one (`invoice.pdf.exe`). */
  readonly doubleExtension: boolean;
}

/**
 * Reads an attachment's file name. Trailing dots and spaces are ignored (Windows drops them, so
 * `setup.exe.` runs as `setup.exe`).
 */
export function inspectFilename(filename: string, dangerous: ReadonlySet<string> = DEFAULT_DANGEROUS): AttachmentNameVerdict {
  const base = (filename.split(/[\\/]/).pop() ?? '').replace(/[.\s]+$/, '').toLowerCase();
  const parts = base.split('.');
  const extension = parts.length > 1 ? parts[parts.length - 1]!.trim() : '';
  const previous = parts.length > 2 ? parts[parts.length - 2]!.trim() : '';
  const isDangerous = dangerous.has(extension);
  return { extension, dangerous: isDangerous, doubleExtension: isDangerous && DECOY_EXTENSIONS.has(previous) };
}

/** Whether a content type (parameters such as `; name=...` ignored) announces an executable. */
export function isDangerousContentType(contentType: string, dangerous: ReadonlySet<string> = DEFAULT_TYPES): boolean {
  return dangerous.has(contentType.split(';')[0]!.trim().toLowerCase());
}

const DEFAULT_DANGEROUS: ReadonlySet<string> = new Set(DANGEROUS_EXTENSIONS);
const DEFAULT_TYPES: ReadonlySet<string> = new Set(DANGEROUS_CONTENT_TYPES);
