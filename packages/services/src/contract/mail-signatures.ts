// Both test strings are assembled from parts at run time so that no file of this repository (nor
// its build output) contains them whole: a real scanner in CI would flag a file holding EICAR,
// and a real spam filter would flag a mail quoting a diff with GTUBE.

/**
 * The EICAR anti-virus test string (68 ASCII bytes): harmless, and recognised by every scanner as
 * a "virus" so that the scanning path can be tested end to end.
 */
export function eicarSignature(): string {
  return ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-', 'ANTIVIRUS-TEST-FILE!$H+H*'].join('');
}

/** The GTUBE spam test string: a message containing it is spam with certainty. */
export function gtubeSignature(): string {
  return ['XJS*C4JDBQADN1.NSBN3*2IDNEN*', 'GTUBE-STANDARD-', 'ANTI-UBE-TEST-EMAIL*C.34X'].join('');
}
