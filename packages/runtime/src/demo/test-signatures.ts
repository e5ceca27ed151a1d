/**
 * The GTUBE spam test string and the EICAR anti-virus test string, assembled at run time by mail's
 * filters so that no file holds them whole: the demo and mail scenarios send them to show a spam
 * catch and a quarantine.
 */
export { eicarSignature, gtubeSignature } from '@topolab/services/contract';
